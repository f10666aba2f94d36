package dev.parley.friend.internal;

import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.events.AccountEvents;
import dev.parley.events.AccountEvents.Pending;
import dev.parley.friend.Relationships;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimited;
import dev.parley.platform.RateLimits;
import dev.parley.platform.Tx;
import dev.parley.platform.UniqueViolation;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Friend requests: send, accept, decline, cancel, list. At most one pending request per pair of users (a unique
 * index); a request to someone who already asked you accepts theirs. A request to someone who blocks you is kept
 * for you as pending but never shown to them (suppressed), so nothing reveals the block.
 */
@Component
@EnableConfigurationProperties(FriendSettings.class)
class FriendRequests {
    static final int MAX_NOTE = 500;

    record RequestView(long id, UserSummary from, UserSummary to, String note, String status, long createdAt, long updatedAt) {}

    private record Row(long id, long from, long to, String note, String status, boolean suppressed, long createdAt, long updatedAt) {}

    private final Db db;
    private final RateLimits rateLimits;
    private final Duration declineCooldown;
    private final UserDirectory users;
    private final Relationships relationships;
    private final AccountEvents events;
    private final Clock clock;

    FriendRequests(Db db, UserDirectory users, Relationships relationships, AccountEvents events, Clock clock, RateLimits rateLimits,
                   FriendSettings settings) {
        this.rateLimits = rateLimits;
        this.declineCooldown = settings.declineCooldown() == null ? Duration.ZERO : settings.declineCooldown();
        this.db = db;
        this.users = users;
        this.relationships = relationships;
        this.events = events;
        this.clock = clock;
    }

    RequestView send(long me, Long toUser, String rawNote) {
        rateLimits.check(RateLimits.Action.FRIEND_REQUESTS, me);
        long target = Fields.requiredId("userId", toUser);
        String note = rawNote == null ? "" : Fields.bounded("note", rawNote, MAX_NOTE);
        if (target == me) throw new ParleyException(ErrorCode.CANNOT_BEFRIEND_SELF);
        List<Pending> out = new ArrayList<>();
        RequestView view;
        try {
            view = db.write(tx -> {
                if (users.find(tx, target).isEmpty()) throw new ParleyException(ErrorCode.USER_NOT_FOUND);
                events.lockUsers(tx, me, target);
                if (relationships.blocks(tx, me, target)) throw new ParleyException(ErrorCode.FORBIDDEN, "Unblock this user first.");
                if (relationships.areFriends(tx, me, target)) throw new ParleyException(ErrorCode.ALREADY_FRIENDS);
                Optional<Row> pending = pendingBetween(tx, me, target);
                if (pending.isPresent()) {
                    Row p = pending.get();
                    if (p.from() == me) throw new ParleyException(ErrorCode.REQUEST_EXISTS);
                    return accept(tx, p, out); // they asked first: asking back means yes
                }
                long now = clock.millis();
                coolingDown(tx, me, target, now);
                boolean suppressed = relationships.blocks(tx, target, me);
                long id = tx.updateReturningLong("""
                        INSERT INTO friend_requests (from_user, to_user, pair_key, note, status, suppressed, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id""",
                        me, target, pairKey(me, target), note, suppressed, now, now);
                Row row = new Row(id, me, target, note, "pending", suppressed, now, now);
                RequestView v = view(tx, row);
                out.add(events.append(tx, me, "friend_request", v));
                if (!suppressed) out.add(events.append(tx, target, "friend_request", v));
                return v;
            });
        } catch (UniqueViolation race) {
            throw new ParleyException(ErrorCode.REQUEST_EXISTS);
        }
        events.publish(out);
        return view;
    }

    /**
     * Refuses a request while the latest one between the pair is the sender's own, declined less than the cool-down
     * ago. The sender was told of the decline ({@code friend_request_updated}), so this reveals nothing new; a block
     * plays no part in it (ADR 0004), and the decliner may still ask.
     */
    private void coolingDown(Tx tx, long me, long target, long now) throws SQLException {
        if (declineCooldown.isZero()) return;
        Optional<Row> latest = tx.queryOne("SELECT " + COLUMNS + " FROM friend_requests WHERE pair_key = ? ORDER BY id DESC LIMIT 1",
                FriendRequests::map, pairKey(me, target));
        if (latest.isEmpty() || latest.get().from() != me || !"declined".equals(latest.get().status())) return;
        long left = latest.get().updatedAt() + declineCooldown.toMillis() - now;
        if (left > 0) {
            throw new RateLimited(ErrorCode.REQUEST_COOLDOWN, ErrorCode.REQUEST_COOLDOWN.defaultMessage(), (left + 999) / 1000);
        }
    }

    RequestView accept(long me, long requestId) {
        return change(me, requestId, (tx, row, out) -> {
            if (row.to() != me || row.suppressed()) throw new ParleyException(ErrorCode.REQUEST_NOT_FOUND);
            return accept(tx, row, out);
        });
    }

    RequestView decline(long me, long requestId) {
        return change(me, requestId, (tx, row, out) -> {
            if (row.to() != me || row.suppressed()) throw new ParleyException(ErrorCode.REQUEST_NOT_FOUND);
            return setStatus(tx, row, "declined", out);
        });
    }

    RequestView cancel(long me, long requestId) {
        return change(me, requestId, (tx, row, out) -> {
            if (row.from() != me) throw new ParleyException(ErrorCode.REQUEST_NOT_FOUND);
            return setStatus(tx, row, "cancelled", out);
        });
    }

    List<RequestView> list(long me, String direction) {
        String dir = direction == null ? "incoming" : direction;
        String where = switch (dir) {
            case "incoming" -> "to_user = ? AND suppressed = FALSE";
            case "outgoing" -> "from_user = ?";
            default -> throw ParleyException.invalid("Field 'direction' must be 'incoming' or 'outgoing'.");
        };
        return db.read(tx -> {
            List<Row> rows = tx.query("SELECT " + COLUMNS + " FROM friend_requests WHERE status = 'pending' AND " + where
                    + " ORDER BY created_at DESC, id DESC", FriendRequests::map, me);
            List<Long> ids = new ArrayList<>();
            rows.forEach(r -> { ids.add(r.from()); ids.add(r.to()); });
            Map<Long, UserSummary> who = users.findAll(tx, ids);
            return rows.stream().map(r -> view(r, who)).toList();
        });
    }

    /** Called when {@code blocker} blocks {@code blocked}: their own pending request is cancelled, the other one hidden. */
    void onBlock(Tx tx, long blocker, long blocked, List<Pending> out) throws SQLException {
        Optional<Row> p = pendingBetween(tx, blocker, blocked);
        if (p.isEmpty()) return;
        if (p.get().from() == blocker) setStatus(tx, p.get(), "cancelled", out);
        else tx.update("UPDATE friend_requests SET suppressed = TRUE WHERE id = ?", p.get().id());
    }

    private interface Change {
        RequestView apply(Tx tx, Row row, List<Pending> out) throws SQLException;
    }

    private RequestView change(long me, long requestId, Change change) {
        List<Pending> out = new ArrayList<>();
        RequestView v = db.write(tx -> {
            Row row = tx.queryOne("SELECT " + COLUMNS + " FROM friend_requests WHERE id = ?", FriendRequests::map, requestId)
                    .filter(r -> r.from() == me || r.to() == me)
                    .orElseThrow(() -> new ParleyException(ErrorCode.REQUEST_NOT_FOUND));
            events.lockUsers(tx, row.from(), row.to());
            row = tx.queryOne("SELECT " + COLUMNS + " FROM friend_requests WHERE id = ?", FriendRequests::map, requestId).orElseThrow();
            if (!"pending".equals(row.status())) throw new ParleyException(ErrorCode.REQUEST_NOT_FOUND, "That friend request is no longer pending.");
            return change.apply(tx, row, out);
        });
        events.publish(out);
        return v;
    }

    private RequestView accept(Tx tx, Row row, List<Pending> out) throws SQLException {
        RequestView v = setStatus(tx, row, "accepted", out);
        long now = clock.millis();
        tx.update("INSERT INTO friendships (user_id, friend_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", row.from(), row.to(), now);
        tx.update("INSERT INTO friendships (user_id, friend_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", row.to(), row.from(), now);
        out.add(events.append(tx, row.from(), "friend_added", Map.of("user", v.to())));
        out.add(events.append(tx, row.to(), "friend_added", Map.of("user", v.from())));
        return v;
    }

    private RequestView setStatus(Tx tx, Row row, String status, List<Pending> out) throws SQLException {
        long now = clock.millis();
        tx.update("UPDATE friend_requests SET status = ?, updated_at = ? WHERE id = ?", status, now, row.id());
        Row updated = new Row(row.id(), row.from(), row.to(), row.note(), status, row.suppressed(), row.createdAt(), now);
        RequestView v = view(tx, updated);
        out.add(events.append(tx, row.from(), "friend_request_updated", v));
        if (!row.suppressed()) out.add(events.append(tx, row.to(), "friend_request_updated", v));
        return v;
    }

    private static final String COLUMNS = "id, from_user, to_user, note, status, suppressed, created_at, updated_at";

    private static Row map(java.sql.ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getBoolean(6),
                rs.getLong(7), rs.getLong(8));
    }

    private Optional<Row> pendingBetween(Tx tx, long a, long b) throws SQLException {
        return tx.queryOne("SELECT " + COLUMNS + " FROM friend_requests WHERE pair_key = ? AND status = 'pending'",
                FriendRequests::map, pairKey(a, b));
    }

    private RequestView view(Tx tx, Row r) throws SQLException {
        return view(r, users.findAll(tx, List.of(r.from(), r.to())));
    }

    private static RequestView view(Row r, Map<Long, UserSummary> who) {
        return new RequestView(r.id(), who.get(r.from()), who.get(r.to()), r.note(), r.status(), r.createdAt(), r.updatedAt());
    }

    static String pairKey(long a, long b) {
        return Math.min(a, b) + ":" + Math.max(a, b);
    }
}
