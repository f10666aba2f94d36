package dev.parley.presence.internal;

import dev.parley.account.Caller;
import dev.parley.friend.Relationships;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import dev.parley.presence.Presence;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Presence")
@SecurityRequirement(name = "bearer")
class PresenceController {
    static final int MAX_IDS = 500;

    private final Db db;
    private final Relationships relationships;
    private final Presence presence;

    PresenceController(Db db, Relationships relationships, Presence presence) {
        this.db = db;
        this.relationships = relationships;
        this.presence = presence;
    }

    private record Friend(String visibility, Long lastSeenAt) {}

    @GetMapping("/api/v1/presence")
    @Operation(summary = "Presence of friends (online, away, offline with last seen); anyone else is offline")
    List<Presence.View> presence(Caller caller, @RequestParam(required = false) String userIds) {
        Set<Long> ids = parse(userIds);
        Map<Long, Friend> friends = new HashMap<>();
        List<Long> list = List.copyOf(ids);
        db.read(tx -> {
            List<Long> mine = List.copyOf(relationships.friendsAmong(tx, caller.userId(), list));
            // presence_visibility and last_seen_at are presence's columns of the users table.
            for (int from = 0; from < mine.size(); from += 500) {
                List<Long> chunk = mine.subList(from, Math.min(mine.size(), from + 500));
                tx.query("SELECT id, presence_visibility, last_seen_at FROM users WHERE id IN (" + Tx.marks(chunk.size()) + ")", rs -> {
                    friends.put(rs.getLong(1), new Friend(rs.getString(2), Tx.nullableLong(rs, 3)));
                    return null;
                }, chunk.toArray());
            }
            return null;
        });
        List<Presence.View> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            Friend f = friends.get(id);
            if (f == null || "nobody".equals(f.visibility())) {
                out.add(new Presence.View(id, Presence.OFFLINE, null));
                continue;
            }
            String state = presence.stateOf(id);
            out.add(new Presence.View(id, state, Presence.OFFLINE.equals(state) ? f.lastSeenAt() : null));
        }
        return out;
    }

    private static Set<Long> parse(String raw) {
        if (raw == null || raw.isBlank()) throw ParleyException.invalid("Parameter 'userIds' is required: user ids separated by commas.");
        Set<Long> ids = new LinkedHashSet<>();
        for (String part : raw.split(",", -1)) {
            try {
                long id = Long.parseLong(part.trim());
                if (id <= 0) throw new NumberFormatException();
                ids.add(id);
            } catch (NumberFormatException e) {
                throw ParleyException.invalid("Parameter 'userIds' must be user ids separated by commas.");
            }
            if (ids.size() > MAX_IDS) throw ParleyException.invalid("At most " + MAX_IDS + " user ids.");
        }
        return ids;
    }
}
