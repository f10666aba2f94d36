package dev.parley.account.internal;

import dev.parley.platform.ClientAddresses;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where a request really comes from and whether the client reached us over https, believing forwarded headers
 * only from trusted proxies ({@link ClientAddresses}): behind a proxy every peer is the proxy, and anybody else
 * could write those headers.
 */
@Component
class RequestOrigin {
    private final ClientAddresses addresses;

    RequestOrigin(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    String address(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        return addresses.client(request.getRemoteAddress(), request.getHeaders()::getFirst);
    }

    boolean secure(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        boolean tls = request.getSslInfo() != null || "https".equalsIgnoreCase(request.getURI().getScheme());
        return addresses.secure(request.getRemoteAddress(), request.getHeaders()::getFirst, tls);
    }
}
