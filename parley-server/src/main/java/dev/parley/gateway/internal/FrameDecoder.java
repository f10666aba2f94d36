package dev.parley.gateway.internal;

import dev.parley.gateway.ClientCommand;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Text frame (JSON object) to {@link ClientCommand}. Every failure is a {@link BadFrame} carrying the frame's
 * {@code id} when one could be read, so the error reply can still be matched to the request.
 */
@Component
class FrameDecoder {
    static final int MAX_ID = 64;
    /** Longer lists are refused while decoding; the feature's own limit (mentions, attachments) is lower. */
    static final int MAX_LIST = 1000;

    static final class BadFrame extends ParleyException {
        final String frameId;

        BadFrame(String frameId, ParleyException cause) {
            super(cause.code(), cause.getMessage());
            this.frameId = frameId;
        }
    }

    private final JsonMapper json;

    FrameDecoder(JsonMapper json) {
        this.json = json;
    }

    ClientCommand decode(String text) {
        JsonNode n;
        try {
            n = json.readTree(text);
        } catch (JacksonException e) {
            throw new BadFrame(null, new ParleyException(ErrorCode.BAD_JSON));
        }
        if (n == null || !n.isObject()) {
            throw new BadFrame(null, new ParleyException(ErrorCode.BAD_JSON, "A frame is one JSON object."));
        }
        String id = null;
        try {
            id = optString(n, "id");
            if (id != null && id.length() > MAX_ID) {
                id = null; // not echoed: the client gets the error without its over-long id
                throw ParleyException.invalid("Field 'id' is longer than " + MAX_ID + " characters.");
            }
            String type = optString(n, "type");
            if (type == null) throw ParleyException.invalid("Field 'type' is required.");
            return switch (type) {
                case "ping" -> new ClientCommand.Ping(id);
                case "send" -> new ClientCommand.Send(id, optLong(n, "conversationId"), optLong(n, "to"),
                        optString(n, "clientMsgId"), optString(n, "text"), optLong(n, "replyTo"), optLongList(n, "mentions"),
                        optBool(n, "mentionsAll"), optLong(n, "forwardOf"), optStringList(n, "attachments"));
                case "history" -> new ClientCommand.History(id, reqLong(n, "conversationId"), optLong(n, "before"),
                        optLong(n, "after"), optLong(n, "around"), optInt(n, "limit"));
                case "sync" -> new ClientCommand.Sync(id, optString(n, "token"));
                case "read" -> new ClientCommand.MarkRead(id, reqLong(n, "conversationId"), reqLong(n, "seq"));
                case "delivered" -> new ClientCommand.MarkDelivered(id, reqLong(n, "conversationId"), reqLong(n, "seq"));
                case "edit" -> new ClientCommand.Edit(id, reqLong(n, "conversationId"), reqLong(n, "messageId"), optString(n, "text"));
                case "recall" -> new ClientCommand.Recall(id, reqLong(n, "conversationId"), reqLong(n, "messageId"));
                case "react" -> new ClientCommand.React(id, reqLong(n, "conversationId"), reqLong(n, "messageId"), optString(n, "emoji"),
                        Boolean.TRUE.equals(optBool(n, "remove")));
                case "typing" -> new ClientCommand.Typing(id, reqLong(n, "conversationId"));
                case "presence" -> new ClientCommand.SetPresence(id, optString(n, "state"));
                default -> throw new ParleyException(ErrorCode.UNKNOWN_TYPE, "Unknown frame type '" + clip(type) + "'.");
            };
        } catch (BadFrame e) {
            throw e;
        } catch (ParleyException e) {
            throw new BadFrame(id, e);
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String optString(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isString()) throw ParleyException.invalid("Field '" + field + "' must be a string.");
        return v.stringValue();
    }

    private static Long optLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ParleyException.invalid("Field '" + field + "' must be an integer.");
        return v.longValue();
    }

    private static Boolean optBool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw ParleyException.invalid("Field '" + field + "' must be true or false.");
        return v.booleanValue();
    }

    /** A list of at most {@link #MAX_LIST} integers. */
    private static List<Long> optLongList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray() || v.size() > MAX_LIST) throw ParleyException.invalid("Field '" + field + "' must be a list of at most " + MAX_LIST + " integers.");
        List<Long> out = new ArrayList<>(v.size());
        for (JsonNode x : v) {
            if (!x.isIntegralNumber() || !x.canConvertToLong()) throw ParleyException.invalid("Field '" + field + "' must be a list of integers.");
            out.add(x.longValue());
        }
        return out;
    }

    private static List<String> optStringList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray() || v.size() > MAX_LIST) throw ParleyException.invalid("Field '" + field + "' must be a list of at most " + MAX_LIST + " strings.");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode x : v) {
            if (!x.isString()) throw ParleyException.invalid("Field '" + field + "' must be a list of strings.");
            out.add(x.stringValue());
        }
        return out;
    }

    private static long reqLong(JsonNode n, String field) {
        Long v = optLong(n, field);
        if (v == null) throw ParleyException.invalid("Field '" + field + "' is required.");
        return v;
    }

    private static Integer optInt(JsonNode n, String field) {
        Long v = optLong(n, field);
        if (v == null) return null;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw ParleyException.invalid("Field '" + field + "' is out of range.");
        return v.intValue();
    }
}
