package dev.livegrid.presence;

import dev.livegrid.protocol.ServerMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The users on a sheet through other servers (cluster mode), kept in a room's {@link Roster} as seats
 * of their own — one per server and user — so the room's members hear of them through the same
 * joined/moved/left deltas as of local users. Touched only by the room's sequencer.
 */
public final class RemoteUsers {

    /** A user on this sheet through another server. */
    private record Seat(String server, String userId) {
    }

    private final Roster<Object> roster;
    private final Map<Seat, ServerMessage.User> seats = new HashMap<>();

    public RemoteUsers(Roster<Object> roster) {
        this.roster = roster;
    }

    /**
     * Replaces them with the users read now, by server: departs those gone, seats newcomers, renames and
     * moves cursors as they changed. True when the roster changed.
     */
    public boolean replaceWith(Map<String, List<ServerMessage.User>> byServer) {
        Map<Seat, ServerMessage.User> now = new HashMap<>();
        byServer.forEach((server, users) -> users.forEach(u -> now.put(new Seat(server, u.id()), u)));
        boolean changed = false;
        for (Seat seat : List.copyOf(seats.keySet())) {
            if (!now.containsKey(seat)) {
                seats.remove(seat);
                changed |= roster.depart(seat);
            }
        }
        for (Map.Entry<Seat, ServerMessage.User> entry : now.entrySet()) {
            ServerMessage.User user = entry.getValue();
            ServerMessage.User before = seats.put(entry.getKey(), user);
            if (before == null || !before.name().equals(user.name())) {
                roster.arrive(entry.getKey(), user.id(), user.name());
                changed = true;
            }
            if (before == null ? user.focus() != null : !Objects.equals(before.focus(), user.focus())) {
                roster.focus(entry.getKey(), user.focus());
                changed = true;
            }
        }
        return changed;
    }

    public boolean isEmpty() {
        return seats.isEmpty();
    }

    /** Whether a roster seat is one of these (not a connection of this server). */
    public static boolean isRemote(Object seat) {
        return seat instanceof Seat;
    }
}
