package dev.parley.platform;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The address a request really comes from, and whether it reached the front over TLS.
 *
 * <p>Behind a reverse proxy every peer is the proxy. {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and
 * {@code Forwarded} (RFC 7239) are honoured only when the peer is one of the configured trusted proxies; anybody
 * else could write those headers. The chain is read from the right (RFC 7239 §5.2, §7.4: each proxy appends): the
 * first address that is not itself a trusted proxy is the client.
 */
@Component
@EnableConfigurationProperties(ClientAddresses.Settings.class)
public class ClientAddresses {
    /** {@code trustedProxies}: addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}); empty trusts none. */
    @ConfigurationProperties("parley.network")
    public record Settings(List<String> trustedProxies) {
        public Settings {
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        }
    }

    private final List<Cidr> trusted;

    public ClientAddresses(Settings settings) {
        List<Cidr> list = new ArrayList<>();
        for (String s : settings.trustedProxies()) {
            if (!s.isBlank()) list.add(Cidr.parse(s.trim()));
        }
        this.trusted = List.copyOf(list);
    }

    /** The client's address as text ({@code "unknown"} when the peer has none). */
    public String client(InetSocketAddress peer, Function<String, String> header) {
        InetAddress direct = peer == null ? null : peer.getAddress();
        if (direct == null) return "unknown";
        if (!isTrusted(direct)) return direct.getHostAddress();
        List<String> chain = forwardedFor(header);
        for (int i = chain.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(chain.get(i));
            if (hop == null) return direct.getHostAddress(); // an unparsable hop: stop trusting the chain
            if (!isTrusted(hop)) return hop.getHostAddress();
        }
        return chain.isEmpty() ? direct.getHostAddress() : literalOrDirect(chain.get(0), direct);
    }

    /** True when the connection itself is TLS, or a trusted proxy says the client reached it over https. */
    public boolean secure(InetSocketAddress peer, Function<String, String> header, boolean tlsOnConnection) {
        if (tlsOnConnection) return true;
        InetAddress direct = peer == null ? null : peer.getAddress();
        if (direct == null || !isTrusted(direct)) return false;
        String proto = header.apply("X-Forwarded-Proto");
        if (proto != null) return proto.split(",")[0].trim().equalsIgnoreCase("https");
        String forwarded = header.apply("Forwarded");
        if (forwarded != null) {
            for (String pair : forwarded.split(",")[0].split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("proto")) return unquote(kv[1]).equalsIgnoreCase("https");
            }
        }
        return false;
    }

    public boolean isTrusted(InetAddress a) {
        for (Cidr c : trusted) if (c.contains(a)) return true;
        return false;
    }

    public boolean anyTrusted() { return !trusted.isEmpty(); }

    private static String literalOrDirect(String s, InetAddress direct) {
        InetAddress a = literal(s);
        return a == null ? direct.getHostAddress() : a.getHostAddress();
    }

    /** Hops of {@code Forwarded: for=...} (preferred, RFC 7239) or else {@code X-Forwarded-For}, left to right. */
    private static List<String> forwardedFor(Function<String, String> header) {
        List<String> hops = new ArrayList<>();
        String forwarded = header.apply("Forwarded");
        if (forwarded != null) {
            for (String element : forwarded.split(",")) {
                for (String pair : element.split(";")) {
                    String[] kv = pair.trim().split("=", 2);
                    if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("for")) hops.add(unquote(kv[1]));
                }
            }
            return hops;
        }
        String xff = header.apply("X-Forwarded-For");
        if (xff != null) for (String h : xff.split(",")) if (!h.isBlank()) hops.add(h.trim());
        return hops;
    }

    private static String unquote(String v) {
        String s = v.trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
        return s;
    }

    /**
     * An IP literal, never a name lookup: {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code [::1]}, {@code [::1]:80},
     * {@code ::1}. Anything else (obfuscated identifiers, {@code unknown}) is null.
     */
    static InetAddress literal(String s) {
        String h = s.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) return null;
            h = h.substring(1, end);
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':') && h.indexOf('.') > 0) {
            h = h.substring(0, h.indexOf(':')); // IPv4 with a port
        }
        if (h.isEmpty() || !h.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            return InetAddress.getByName(h); // a literal: no DNS lookup happens for these characters
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address block; a plain address is a block of its full length. */
    record Cidr(byte[] network, int bits) {
        static Cidr parse(String s) {
            String[] parts = s.split("/", 2);
            InetAddress a = literal(parts[0]);
            if (a == null) throw new IllegalArgumentException("parley.network.trusted-proxies: not an address: " + s);
            int max = a.getAddress().length * 8;
            int bits = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : max;
            if (bits < 0 || bits > max) throw new IllegalArgumentException("parley.network.trusted-proxies: bad prefix: " + s.toLowerCase(Locale.ROOT));
            return new Cidr(a.getAddress(), bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            int full = bits / 8, rest = bits % 8;
            for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
            if (rest == 0) return true;
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
