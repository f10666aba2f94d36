package dev.parley.account.internal;

import dev.parley.platform.ParleyProperties;
import java.time.Duration;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * For browsers: the refresh token lives in an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth, so page
 * scripts never see it and other sites cannot make the browser send it. The access token stays in memory.
 */
@Component
class RefreshCookie {
    static final String NAME = "parley_refresh";
    static final String PATH = "/api/v1/auth";
    private final Duration maxAge;
    private final RequestOrigin origin;

    RefreshCookie(ParleyProperties props, RequestOrigin origin) {
        this.maxAge = props.security().refreshTokenTtl();
        this.origin = origin;
    }

    /** Moves the refresh token from the answer into the cookie. */
    DeviceSessions.Tokens store(ServerWebExchange exchange, DeviceSessions.Tokens t) {
        exchange.getResponse().addCookie(cookie(exchange, t.refreshToken(), maxAge));
        return new DeviceSessions.Tokens(t.accessToken(), t.expiresIn(), null, t.sessionId(), t.user());
    }

    String read(ServerWebExchange exchange) {
        HttpCookie c = exchange.getRequest().getCookies().getFirst(NAME);
        return c == null ? null : c.getValue();
    }

    void clear(ServerWebExchange exchange) {
        if (read(exchange) != null) exchange.getResponse().addCookie(cookie(exchange, "", Duration.ZERO));
    }

    /** Secure when the client reached us over https: directly, or through a trusted TLS-terminating proxy. */
    private ResponseCookie cookie(ServerWebExchange exchange, String value, Duration maxAge) {
        boolean https = origin.secure(exchange);
        return ResponseCookie.from(NAME, value).httpOnly(true).sameSite("Strict").secure(https).path(PATH).maxAge(maxAge).build();
    }
}
