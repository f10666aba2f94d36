package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The server describes its REST API as OpenAPI and serves a browsable UI for it. */
class OpenApiTest {
    @Test
    void servesTheOpenApiDocumentAndItsUi() {
        Api api = new Api(Backend.SQLITE.server());
        Api.Response doc = api.get("/v3/api-docs", null);
        assertThat(doc.status()).isEqualTo(200);
        List<String> paths = new ArrayList<>();
        doc.body().get("paths").propertyNames().forEach(paths::add);
        assertThat(paths).contains("/api/v1/accounts", "/api/v1/auth/login", "/api/v1/friends/requests",
                "/api/v1/conversations/{id}/messages", "/api/v1/sync", "/api/v1/longpoll/{pollId}");
        // The caller comes from the bearer token: no operation asks for it as a parameter.
        JsonNode me = doc.body().get("paths").get("/api/v1/me").get("get");
        assertThat(me.has("parameters")).isFalse();
        assertThat(doc.body().get("components").get("securitySchemes").has("bearer")).isTrue();
        Api.Response ui = api.get("/webjars/swagger-ui/index.html", null);
        assertThat(ui.raw()).contains("Swagger UI");
    }
}
