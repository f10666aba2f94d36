package dev.parley.account.internal;

import dev.parley.account.AccessTokens;
import dev.parley.account.Caller;
import dev.parley.platform.Blocking;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Any controller parameter of type {@link Caller} requires {@code Authorization: Bearer <access token>};
 * verification reads the session table, so it runs on a virtual thread.
 */
@Component
class CallerResolver implements HandlerMethodArgumentResolver, WebFluxConfigurer {
    static {
        // The caller comes from the Authorization header, not from a request parameter: keep it out of the OpenAPI document.
        org.springdoc.core.utils.SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    private final AccessTokens tokens;
    private final Blocking blocking;

    CallerResolver(AccessTokens tokens, Blocking blocking) {
        this.tokens = tokens;
        this.blocking = blocking;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext context, ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        return blocking.call(() -> tokens.verify(token));
    }
}
