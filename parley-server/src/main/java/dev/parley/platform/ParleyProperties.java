package dev.parley.platform;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Everything under {@code parley.*} in application.yml; the README lists the keys that have an environment override. */
@ConfigurationProperties("parley")
public record ParleyProperties(
        Path dataDir,
        Database database,
        Security security,
        Limits limits,
        WebSocket websocket,
        LongPoll longpoll,
        Tls tls) {

    /** {@code url} empty means embedded SQLite at {@code <dataDir>/parley.db}. */
    public record Database(String url, String username, String password, int poolSize) {}

    public record Security(
            String tokenSigningKey,
            Duration accessTokenTtl,
            Duration refreshTokenTtl,
            int argon2MemoryKib,
            int argon2Iterations,
            int argon2Parallelism,
            int maxFailedLoginsPerAddress,
            Duration failedLoginWindow) {}

    public record Limits(
            int maxFrameBytes,
            int maxTextChars,
            double framesPerSecond,
            int frameBurst,
            int maxConnections,
            int maxHistoryPage,
            int maxGroupMembers,
            Duration recallWindow,
            int receiptsGroupSize,
            Duration typingInterval) {}

    public record WebSocket(Duration heartbeatInterval, Duration idleTimeout) {}

    public record LongPoll(Duration maxWait, Duration sessionExpiry, int maxQueuedEvents) {}

    /** HTTPS and WSS are served when both files are set (PEM). */
    public record Tls(String certificate, String privateKey) {
        public boolean enabled() {
            return certificate != null && !certificate.isBlank() && privateKey != null && !privateKey.isBlank();
        }
    }
}
