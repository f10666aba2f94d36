package dev.parley.platform.internal;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at /v3/api-docs and its browsable UI at /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class OpenApiSetup {
    @Bean
    OpenAPI parleyOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Parley REST API").version("v1")
                        .description("Accounts, friends, conversations, history and sync. The WebSocket protocol is in docs/protocol.md."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
    }
}
