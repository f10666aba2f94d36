package dev.parley.gateway.internal;

import dev.parley.platform.ThrottledLog;
import dev.parley.platform.ClientAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts open TCP connections per peer address, at accept time: a connection past the address's cap is closed
 * before any byte of it is read, so one client's idle or slow sockets cannot use up the process's file
 * descriptors and starve everyone else. A trusted proxy's address gets a separate, much larger cap, since every
 * client behind it shares it. Per accept and per close, never per request or frame.
 */
@Component
class ConnectionsPerAddress {
    private static final Logger log = LoggerFactory.getLogger(ConnectionsPerAddress.class);
    /** A flood of refused sockets is logged as one line per 10 s. */
    private final ThrottledLog refusals = new ThrottledLog(log, 10_000);

    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final ClientAddresses addresses;
    private final int maxPerAddress;
    private final int maxPerProxy;
    /** One shared listener: it finds the address on the channel, so nothing is allocated per connection. */
    private final ChannelFutureListener onClose = f -> closed(f.channel());

    ConnectionsPerAddress(ClientAddresses addresses, ConnectionSettings settings) {
        this.addresses = addresses;
        this.maxPerAddress = settings.maxPerAddress();
        this.maxPerProxy = settings.maxPerTrustedProxy();
    }

    /**
     * Counts a freshly accepted connection; false (and the connection closed) past its address's cap. A
     * connection without an IP peer (none today) is not counted.
     */
    boolean admit(Channel ch) {
        if (!(ch.remoteAddress() instanceof InetSocketAddress peer) || peer.getAddress() == null) return true;
        InetAddress a = peer.getAddress();
        int cap = addresses.isTrusted(a) ? maxPerProxy : maxPerAddress;
        boolean[] admitted = {false};
        open.compute(a, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= cap) return n;
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            ch.close();
            noteRefusal(a, cap);
            return false;
        }
        ch.closeFuture().addListener(onClose);
        return true;
    }

    private void closed(Channel ch) {
        if (ch.remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
            open.computeIfPresent(peer.getAddress(), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private void noteRefusal(InetAddress a, int cap) {
        refusals.warn("Refused a connection from {}: it has {} open, the cap for its address", a.getHostAddress(), cap);
    }
}
