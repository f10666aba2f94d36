package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.5", 40000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.9", 40000);
    private final ClientAddresses addresses = new ClientAddresses(new ClientAddresses.Settings(List.of("10.0.0.0/8", "::1")));

    @Test
    void headersFromAnUntrustedPeerAreIgnored() {
        assertThat(addresses.client(STRANGER, Map.of("X-Forwarded-For", "1.2.3.4")::get)).isEqualTo("203.0.113.9");
        assertThat(addresses.secure(STRANGER, Map.of("X-Forwarded-Proto", "https")::get, false)).isFalse();
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        // The client may write its own X-Forwarded-For; only what the trusted proxies appended counts.
        var h = Map.of("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.1.1.1");
        assertThat(addresses.client(PROXY, h::get)).isEqualTo("198.51.100.7");
    }

    @Test
    void forwardedHeaderWithPortsAndIpv6() {
        var h = Map.of("Forwarded", "for=\"[2001:db8::1]:4711\";proto=https, for=10.2.2.2");
        assertThat(addresses.client(PROXY, h::get)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(addresses.secure(PROXY, h::get, false)).isTrue();
        assertThat(addresses.client(PROXY, Map.of("X-Forwarded-For", "198.51.100.7:5555")::get)).isEqualTo("198.51.100.7");
    }

    @Test
    void garbageInTheChainFallsBackToThePeer() {
        assertThat(addresses.client(PROXY, Map.of("X-Forwarded-For", "evil.example")::get)).isEqualTo("10.0.0.5");
        assertThat(addresses.client(PROXY, Map.<String, String>of()::get)).isEqualTo("10.0.0.5");
    }

    @Test
    void noTrustedProxiesMeansThePeer() {
        var none = new ClientAddresses(new ClientAddresses.Settings(List.of()));
        assertThat(none.client(PROXY, Map.of("X-Forwarded-For", "1.2.3.4")::get)).isEqualTo("10.0.0.5");
        assertThat(none.secure(PROXY, Map.of("X-Forwarded-Proto", "https")::get, false)).isFalse();
        assertThat(none.secure(PROXY, Map.<String, String>of()::get, true)).isTrue();
    }
}
