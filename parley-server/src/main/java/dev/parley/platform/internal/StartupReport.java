package dev.parley.platform.internal;

import dev.parley.platform.ParleyProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Prints where Parley answers, and warns when the file-descriptor limit cannot hold the configured connections. */
@Component
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
    /** Descriptors kept for the database, logs, jars and listening sockets. */
    static final long RESERVED_FDS = 100;
    private final ParleyProperties props;

    StartupReport(ParleyProperties props) {
        this.props = props;
    }

    @EventListener
    void started(WebServerInitializedEvent event) {
        int port = event.getWebServer().getPort();
        String http = props.tls().enabled() ? "https" : "http";
        String ws = props.tls().enabled() ? "wss" : "ws";
        log.info("""
                Parley is running.
                  Web client:  {}://localhost:{}/
                  REST API:    {}://localhost:{}/api/v1  (browse: {}://localhost:{}/swagger-ui.html, OpenAPI: /v3/api-docs)
                  WebSocket:   {}://localhost:{}/ws
                  Long-poll:   {}://localhost:{}/api/v1/longpoll
                  Data folder: {}""",
                http, port, http, port, http, port, ws, port, http, port, props.dataDir().toAbsolutePath().normalize());
        long limit = openFileLimit();
        long needed = props.limits().maxConnections() + RESERVED_FDS;
        if (limit > 0 && limit < needed) {
            log.warn("The open-file limit is {}, but parley.limits.max-connections={} needs about {}. Connections past the limit "
                    + "would fail; raise the limit (ulimit -n) or lower PARLEY_MAX_CONNECTIONS to at most {}.",
                    limit, props.limits().maxConnections(), needed, Math.max(0, limit - RESERVED_FDS));
        }
    }

    /** The soft RLIMIT_NOFILE from /proc (Linux); -1 where unknown. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
