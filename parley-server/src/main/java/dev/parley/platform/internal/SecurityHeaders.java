package dev.parley.platform.internal;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Headers that keep the web app and the API safe to open in a browser, on every HTTP answer (the WebSocket
 * upgrade is answered elsewhere and carries no page). A handler may set its own: media downloads replace the
 * policy with a sandboxing one of their own, which is why these are set before the handler runs.
 * <ul>
 *   <li>{@code Content-Security-Policy}: the app's code, styles, fonts and fetches come from its own origin only
 *   (the build has no CDN and no inline script); images and media may also be {@code blob:} (local previews of
 *   uploads and recordings) and {@code data:} (the icon); nothing may frame the app ({@code frame-ancestors
 *   'none'}, with {@code X-Frame-Options: DENY} for old browsers), no plugin runs, no {@code <base>} retargets
 *   links, forms post only here. So an injected script or an attacker's page framing the app gets nowhere.</li>
 *   <li>{@code X-Content-Type-Options: nosniff}: a response is never run as a type it does not declare.</li>
 *   <li>{@code Referrer-Policy: no-referrer}: signed media paths and conversation links never leak to another
 *   site through the Referer header.</li>
 * </ul>
 * A {@code HEAD} request is handled as the {@code GET} it stands for (RFC 9110 §9.3.2: same status and headers,
 * no body), also where a route knows only GET (the app's welcome page); the body is dropped by the server's HEAD
 * response wrapper.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeaders implements WebFilter {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    /** The API browser (Swagger UI, a third-party page) applies inline styles: allowed there, and only there. */
    static final String DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders h = exchange.getResponse().getHeaders();
        boolean docs = exchange.getRequest().getPath().value().startsWith("/swagger-ui");
        h.set("Content-Security-Policy", docs ? DOCS_POLICY : POLICY);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
            exchange = exchange.mutate().request(r -> r.method(HttpMethod.GET)).build();
        }
        return chain.filter(exchange);
    }
}
