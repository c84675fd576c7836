package dev.livegrid.presence;

import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.ServerMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Presence of one sheet, per user: a user with several connections (tabs) is listed once, named as
 * their latest connection names them, on the cell their connection that moved last is on.
 * <p>
 * Two states are kept: what is true now, and what was last <em>announced</em>. Changes only mark
 * users dirty; {@link #flush} turns the dirty users into one {@code presence} message of what
 * changed since the last announcement (joined, moved, left) and makes it the announced state. A
 * joiner is welcomed with the announced list ({@link #announcedJson}, encoded once per change of it),
 * so the next flush's message is exactly what it lacks — its own arrival included.
 * <p>
 * Not thread-safe: a room touches it only from its sequencer. Costs: a change O(1), a flush O(users
 * changed), the announced list's encoding O(users) at most once per flush that changed it.
 *
 * @param <C> what identifies a connection (the room's member)
 */
public final class Roster<C> {

    /** One connection's part: whose it is, the name it gives, its cursor and when that last moved. */
    private static final class Seat {
        final String userId;
        String name;
        ServerMessage.Focus focus;
        long movedAt;
        final long arrivedAt;

        Seat(String userId, String name, long arrivedAt) {
            this.userId = userId;
            this.name = name;
            this.arrivedAt = arrivedAt;
        }
    }

    private final Map<C, Seat> seats = new HashMap<>();
    /** User id to that user's connections, in order of first arrival (which is the list's order). */
    private final Map<String, List<Seat>> byUser = new LinkedHashMap<>();
    private final Map<String, ServerMessage.User> announced = new LinkedHashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private String announcedJson = "[]";
    private boolean announcedJsonStale;
    private long clock;

    /** A connection arrives (or, already here, gives a new name). */
    public void arrive(C connection, String userId, String name) {
        Seat seat = seats.get(connection);
        if (seat == null) {
            seat = new Seat(userId, name, ++clock);
            seats.put(connection, seat);
            byUser.computeIfAbsent(userId, id -> new ArrayList<>(1)).add(seat);
        } else {
            seat.name = name;
        }
        dirty.add(userId);
    }

    /** A connection leaves; false when it was not here. */
    public boolean depart(C connection) {
        Seat seat = seats.remove(connection);
        if (seat == null) {
            return false;
        }
        List<Seat> ofUser = byUser.get(seat.userId);
        ofUser.remove(seat);
        if (ofUser.isEmpty()) {
            byUser.remove(seat.userId);
        }
        dirty.add(seat.userId);
        return true;
    }

    /** The connection's cursor moves to {@code focus} (null: to no cell); false when it is not here. */
    public boolean focus(C connection, ServerMessage.Focus focus) {
        Seat seat = seats.get(connection);
        if (seat == null) {
            return false;
        }
        seat.focus = focus;
        seat.movedAt = ++clock;
        dirty.add(seat.userId);
        return true;
    }

    /** Takes every cursor on a cell {@code gone} matches (a deleted row or column) off it; true when one was. */
    public boolean dropFocusWhere(Predicate<ServerMessage.Focus> gone) {
        boolean any = false;
        for (Seat seat : seats.values()) {
            if (seat.focus != null && gone.test(seat.focus)) {
                seat.focus = null;
                dirty.add(seat.userId);
                any = true;
            }
        }
        return any;
    }

    /** Whether something changed since the last flush (it may still cancel out, e.g. a join and a leave). */
    public boolean changed() {
        return !dirty.isEmpty();
    }

    /** Users here now, as the next flush will announce them. */
    public int userCount() {
        return byUser.size();
    }

    /**
     * What changed since the last flush, per user, as one message — null when it all cancelled out —
     * and that state is now the announced one.
     */
    public ServerMessage.Presence flush() {
        List<ServerMessage.User> joined = new ArrayList<>();
        List<ServerMessage.Moved> moved = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String userId : dirty) {
            ServerMessage.User now = current(userId);
            ServerMessage.User before = now == null ? announced.remove(userId) : announced.put(userId, now);
            if (now == null) {
                if (before != null) {
                    left.add(userId);
                }
            } else if (before == null || !before.name().equals(now.name())) {
                joined.add(now);
            } else if (!Objects.equals(before.focus(), now.focus())) {
                moved.add(new ServerMessage.Moved(userId, now.focus()));
            }
        }
        dirty.clear();
        if (joined.isEmpty() && moved.isEmpty() && left.isEmpty()) {
            return null;
        }
        announcedJsonStale = true;
        return new ServerMessage.Presence(nullIfEmpty(joined), nullIfEmpty(moved), nullIfEmpty(left));
    }

    /** The announced users, in order of arrival, as a JSON array (for the welcome's {@code users}). */
    public String announcedJson() {
        if (announcedJsonStale) {
            announcedJson = Codec.toJson(new ArrayList<>(announced.values()));
            announcedJsonStale = false;
        }
        return announcedJson;
    }

    /** The announced users, in order of arrival. */
    public List<ServerMessage.User> announced() {
        return List.copyOf(announced.values());
    }

    /**
     * The users of the connections {@code which} accepts, each as those connections alone make them
     * (name of the latest to arrive, cursor of the latest to move), in order of arrival: what this
     * server tells others sharing its sheets (cluster mode), leaving out the users they told it of.
     */
    public List<ServerMessage.User> usersOf(Predicate<C> which) {
        Map<String, Seat[]> namedAndMoved = new LinkedHashMap<>();
        seats.entrySet().stream().filter(e -> which.test(e.getKey())).map(Map.Entry::getValue)
                .sorted(java.util.Comparator.comparingLong(seat -> seat.arrivedAt))
                .forEach(seat -> {
                    Seat[] pair = namedAndMoved.computeIfAbsent(seat.userId, id -> new Seat[]{seat, seat});
                    pair[0] = seat; // sorted by arrival: the last one seen arrived last
                    if (seat.movedAt > pair[1].movedAt) {
                        pair[1] = seat;
                    }
                });
        List<ServerMessage.User> users = new ArrayList<>();
        namedAndMoved.forEach((id, pair) -> users.add(new ServerMessage.User(id, pair[0].name, pair[1].focus)));
        return users;
    }

    /** The user as they are now, or null when none of their connections is here. */
    private ServerMessage.User current(String userId) {
        List<Seat> ofUser = byUser.get(userId);
        if (ofUser == null) {
            return null;
        }
        Seat named = ofUser.get(0);
        Seat moved = ofUser.get(0);
        for (Seat seat : ofUser) {
            if (seat.arrivedAt > named.arrivedAt) {
                named = seat;
            }
            if (seat.movedAt > moved.movedAt) {
                moved = seat;
            }
        }
        return new ServerMessage.User(userId, named.name, moved.focus);
    }

    private static <T> List<T> nullIfEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }
}
