package dev.livegrid.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Who is here after a {@code presence} message, applied as docs/PROTOCOL.md §7.4 (and livegrid.js) applies it. */
final class Roster {

    private Roster() {
    }

    /**
     * {@code users} with the message's changes, in this order: {@code left} ids removed, each {@code joined}
     * user added last or put in place of the entry with its id (a new name), each {@code moved} user's focus
     * set. A message with a whole {@code users} list replaces the roster.
     */
    static List<User> apply(List<User> users, ServerMessage.Presence presence) {
        if (presence.users() != null) {
            return List.copyOf(presence.users());
        }
        Map<String, User> byId = new LinkedHashMap<>();
        users.forEach(user -> byId.put(user.id(), user));
        presence.left().forEach(byId::remove);
        presence.joined().forEach(user -> byId.put(user.id(), user));
        for (ServerMessage.Moved moved : presence.moved()) {
            byId.computeIfPresent(moved.id(), (id, user) -> new User(id, user.name(), moved.focus()));
        }
        return List.copyOf(byId.values());
    }
}
