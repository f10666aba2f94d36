package dev.parley.platform.internal;

import dev.parley.platform.ApiError;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every HTTP error leaves as {@code {"code": ..., "message": ...}} with the documented status; nothing else
 * (no stack trace, no framework detail) reaches the client. Unexpected failures are logged here, once.
 */
@Component
@Order(-2) // before Spring Boot's default error handler
class ApiExceptionHandler implements WebExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private final JsonMapper json;
    /** Clients that leave before their answer: a flood of them is a line per 10 s. */
    private final ThrottledLog aborted = new ThrottledLog(log, 10_000);

    ApiExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (AbortedException.isConnectionReset(ex) || ex instanceof AbortedException) {
            // The client went away (closed or reset the connection mid-request): nobody to answer, nothing broken.
            aborted.warn("A client left before its request was answered: {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath());
            return Mono.empty();
        }
        if (exchange.getResponse().isCommitted()) return Mono.error(ex);
        Answer a = answer(ex);
        if (a.status.is5xxServerError()) {
            log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        }
        byte[] body = json.writeValueAsBytes(a.error);
        var response = exchange.getResponse();
        response.setStatusCode(a.status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        // RFC 9110 §10.2.3: the same seconds as the body's retryAfter.
        if (a.error.retryAfter() != null) response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(a.error.retryAfter()));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private record Answer(HttpStatusCode status, ApiError error) {}

    static Answer answer(Throwable ex) {
        if (ex instanceof ParleyException p) {
            return new Answer(HttpStatus.valueOf(p.code().status()), ApiError.of(p));
        }
        if (ex instanceof ServerWebInputException in) {
            Throwable root = in.getCause();
            while (root instanceof DecodingException && root.getCause() != null) root = root.getCause();
            if (root instanceof StreamReadException) {
                return error(ErrorCode.BAD_JSON, ErrorCode.BAD_JSON.defaultMessage());
            }
            if (root instanceof DatabindException d && d.getPath().isEmpty()) {
                // [] or 42 where an object is expected: as for a frame that is not one JSON object.
                return error(ErrorCode.BAD_JSON, "The request body must be one JSON object.");
            }
            if (root instanceof DatabindException d) {
                // memberIds[0], media.kind: the field as the client wrote it.
                String path = d.getPath().stream().map(r -> r.getPropertyName() != null ? "." + r.getPropertyName() : "[" + r.getIndex() + "]")
                        .reduce((x, y) -> x + y).map(p -> p.startsWith(".") ? p.substring(1) : p).orElse("body");
                return error(ErrorCode.INVALID_FIELD, "Field '" + path + "' has the wrong type.");
            }
            if (root instanceof JacksonException) return error(ErrorCode.BAD_JSON, ErrorCode.BAD_JSON.defaultMessage());
            if (isMissingBody(in)) {
                return error(ErrorCode.BAD_JSON, "A JSON request body is required.");
            }
            return error(ErrorCode.INVALID_FIELD, "A parameter is missing or has the wrong type.");
        }
        if (ex instanceof UnsupportedMediaTypeStatusException) {
            return new Answer(HttpStatus.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_media_type", "Send JSON (Content-Type: application/json)."));
        }
        if (ex instanceof MethodNotAllowedException) {
            return new Answer(HttpStatus.METHOD_NOT_ALLOWED, new ApiError("method_not_allowed", "That method is not allowed here."));
        }
        if (ex instanceof ResponseStatusException rs) {
            if (rs.getStatusCode().value() == 404) return error(ErrorCode.NOT_FOUND, ErrorCode.NOT_FOUND.defaultMessage());
            // A body over the codec's in-memory limit (e.g. a long-poll frame far over max-frame-bytes): same code as on the WebSocket.
            if (rs.getStatusCode().value() == 413) return error(ErrorCode.FRAME_TOO_LARGE, "The request body is larger than the limit.");
            if (rs.getStatusCode().is4xxClientError()) {
                return new Answer(rs.getStatusCode(), new ApiError("bad_request", "The request is not valid."));
            }
        }
        return error(ErrorCode.INTERNAL, ErrorCode.INTERNAL.defaultMessage());
    }

    /** Spring says "No request body" (7.x) or "Request body is missing" (earlier) for an absent or empty body. */
    private static boolean isMissingBody(ServerWebInputException in) {
        String reason = in.getReason();
        return reason != null && (reason.startsWith("No request body") || reason.contains("body is missing"));
    }

    private static Answer error(ErrorCode code, String message) {
        return new Answer(HttpStatus.valueOf(code.status()), new ApiError(code.code(), message));
    }
}
