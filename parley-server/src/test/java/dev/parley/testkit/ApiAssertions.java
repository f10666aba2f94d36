package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Checks on error answers: documented status and code, and nothing but {@code code} and {@code message} in the body. */
public final class ApiAssertions {
    private ApiAssertions() {}

    public static Api.Response assertError(Api.Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.raw()).isEqualTo(status);
        assertCleanError(r);
        assertThat(r.code()).as(r.raw()).isEqualTo(code);
        return r;
    }

    /**
     * An error body is exactly {"code", "message"} (and "retryAfter", whole seconds, on a 429, matching the
     * Retry-After header): no stack trace, exception name or framework detail.
     */
    public static void assertCleanError(Api.Response r) {
        assertThat(r.body()).as("error body of status %d: %s", r.status(), r.raw()).isNotNull();
        List<String> keys = new ArrayList<>(r.body().propertyNames());
        if (keys.contains("retryAfter")) {
            assertThat(r.status()).as(r.raw()).isIn(429, 503);
            assertThat(r.body().get("retryAfter").isIntegralNumber()).as(r.raw()).isTrue();
            assertThat(r.body().get("retryAfter").asLong()).as(r.raw()).isPositive();
            assertThat(r.header("Retry-After")).as("Retry-After of " + r.raw()).isEqualTo(r.body().get("retryAfter").asString());
            keys.remove("retryAfter");
        }
        assertThat(keys).as(r.raw()).containsExactlyInAnyOrder("code", "message");
        assertThat(r.body().get("code").isString()).as(r.raw()).isTrue();
        assertThat(r.body().get("message").asString()).as(r.raw()).isNotBlank();
        assertNoStackTrace(r.raw());
    }

    public static void assertNoStackTrace(String raw) {
        if (raw == null) return;
        assertThat(raw).doesNotContain("Exception", "\tat ", "at dev.parley.", "at java.", "at org.springframework");
    }
}
