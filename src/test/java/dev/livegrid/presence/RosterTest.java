package dev.livegrid.presence;

import dev.livegrid.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RosterTest {

    private static final ServerMessage.Focus A1 = new ServerMessage.Focus("r1", "c1");
    private static final ServerMessage.Focus B2 = new ServerMessage.Focus("r2", "c2");

    private final Roster<String> roster = new Roster<>();

    @Test
    void aWindowOfJoinsIsOneMessageNamingEachUserOnce() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.arrive("conn-2", "u-2", "Ben");
        roster.focus("conn-2", A1);

        assertEquals(new ServerMessage.Presence(List.of(new ServerMessage.User("u-1", "Ann", null),
                new ServerMessage.User("u-2", "Ben", A1)), null, null), roster.flush());
        assertNull(roster.flush(), "nothing changed since");
        assertEquals("[{\"id\":\"u-1\",\"name\":\"Ann\"},{\"id\":\"u-2\",\"name\":\"Ben\",\"focus\":{\"row\":\"r1\",\"col\":\"c1\"}}]",
                roster.announcedJson());
    }

    @Test
    void changesThatCancelOutWithinAWindowSendNothing() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.flush();
        roster.arrive("conn-2", "u-2", "Ben");
        roster.depart("conn-2");
        roster.focus("conn-1", A1);
        roster.focus("conn-1", null);

        assertTrue(roster.changed());
        assertNull(roster.flush());
    }

    @Test
    void movesAndLeavesNameOnlyWhoChanged() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.arrive("conn-2", "u-2", "Ben");
        roster.flush();
        roster.focus("conn-1", A1);
        roster.focus("conn-1", B2);
        roster.depart("conn-2");

        assertEquals(new ServerMessage.Presence(null, List.of(new ServerMessage.Moved("u-1", B2)), List.of("u-2")),
                roster.flush());
        roster.focus("conn-1", null);
        assertEquals(new ServerMessage.Presence(null, List.of(new ServerMessage.Moved("u-1", null)), null), roster.flush());
    }

    @Test
    void aUserWithSeveralConnectionsIsOneEntryOnTheCellMovedToLastAndLeavesWithTheLast() {
        roster.arrive("tab-1", "u-1", "Ann");
        roster.focus("tab-1", A1);
        roster.arrive("tab-2", "u-1", "Ann");
        assertEquals(List.of(new ServerMessage.User("u-1", "Ann", A1)), roster.flush().joined());
        assertEquals(1, roster.userCount());

        roster.focus("tab-2", B2);
        assertEquals(List.of(new ServerMessage.Moved("u-1", B2)), roster.flush().moved());
        roster.depart("tab-2");
        assertEquals(List.of(new ServerMessage.Moved("u-1", A1)), roster.flush().moved(), "back to the other tab's cell");
        roster.depart("tab-1");
        assertEquals(List.of("u-1"), roster.flush().left());
        assertFalse(roster.depart("tab-1"), "gone already");
    }

    @Test
    void aNewNameIsAnnouncedAsAJoinThatReplacesTheEntry() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.flush();
        roster.arrive("conn-1", "u-1", "Ann B.");
        assertEquals(List.of(new ServerMessage.User("u-1", "Ann B.", null)), roster.flush().joined());
    }

    @Test
    void cursorsOnADeletedRowAreDropped() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.arrive("conn-2", "u-2", "Ben");
        roster.focus("conn-1", A1);
        roster.focus("conn-2", B2);
        roster.flush();

        assertTrue(roster.dropFocusWhere(f -> f.row().equals("r1")));
        assertEquals(List.of(new ServerMessage.Moved("u-1", null)), roster.flush().moved());
        assertFalse(roster.dropFocusWhere(f -> f.row().equals("r1")), "nobody is on it any more");
    }

    @Test
    void theAnnouncedListIsEncodedOnlyWhenItChanged() {
        roster.arrive("conn-1", "u-1", "Ann");
        roster.flush();
        String first = roster.announcedJson();
        roster.focus("conn-1", A1);
        roster.flush();
        String afterMove = roster.announcedJson();
        assertTrue(afterMove.contains("r1"), afterMove);
        assertSame(afterMove, roster.announcedJson(), "encoded once");
        assertFalse(first.equals(afterMove));
    }

    /**
     * The promise a client relies on, checked after every flush of a seeded random run: the list a
     * joiner is welcomed with, followed by every later message applied in order, is the list of who is
     * here now — for each member whenever it joined.
     */
    @Test
    void welcomePlusEveryLaterMessageIsAlwaysWhoIsHere() {
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            Roster<String> r = new Roster<>();
            Map<String, String> userOf = new LinkedHashMap<>();
            Map<String, Map<String, ServerMessage.User>> views = new LinkedHashMap<>();
            List<String> connections = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                int action = random.nextInt(10);
                if (action < 3 || connections.isEmpty()) {
                    String conn = "conn-" + step;
                    String user = "u-" + random.nextInt(12);
                    r.arrive(conn, user, "name-" + user + (random.nextInt(8) == 0 ? "-renamed" : ""));
                    userOf.put(conn, user);
                    connections.add(conn);
                    views.put(conn, listed(r.announcedJson()));
                } else if (action < 5) {
                    String conn = connections.remove(random.nextInt(connections.size()));
                    r.depart(conn);
                    views.remove(conn);
                } else if (action < 9) {
                    String conn = connections.get(random.nextInt(connections.size()));
                    r.focus(conn, random.nextInt(4) == 0 ? null : new ServerMessage.Focus("r" + random.nextInt(3), "c1"));
                } else {
                    ServerMessage.Presence changes = r.flush();
                    for (Map<String, ServerMessage.User> view : views.values()) {
                        apply(view, changes);
                    }
                    Map<String, ServerMessage.User> truth = listed(r.announcedJson());
                    for (Map.Entry<String, Map<String, ServerMessage.User>> v : views.entrySet()) {
                        assertEquals(truth, v.getValue(), "seed " + seed + ", step " + step + ", " + v.getKey());
                    }
                    assertEquals(Map.copyOf(truth).keySet(), Map.copyOf(usersOf(connections, userOf)).keySet(),
                            "seed " + seed + ": announced is everyone connected");
                }
            }
        }
    }

    private static Map<String, String> usersOf(List<String> connections, Map<String, String> userOf) {
        Map<String, String> users = new LinkedHashMap<>();
        connections.forEach(c -> users.put(userOf.get(c), c));
        return users;
    }

    private static void apply(Map<String, ServerMessage.User> view, ServerMessage.Presence changes) {
        if (changes == null) {
            return;
        }
        if (changes.left() != null) {
            changes.left().forEach(view::remove);
        }
        if (changes.joined() != null) {
            changes.joined().forEach(u -> view.put(u.id(), u));
        }
        if (changes.moved() != null) {
            changes.moved().forEach(m -> view.computeIfPresent(m.id(), (id, u) -> new ServerMessage.User(id, u.name(), m.focus())));
        }
    }

    private static Map<String, ServerMessage.User> listed(String json) {
        Map<String, ServerMessage.User> users = new LinkedHashMap<>();
        for (var value : jakarta.json.Json.createReader(new java.io.StringReader(json)).readArray()) {
            var u = value.asJsonObject();
            var f = u.containsKey("focus") ? u.getJsonObject("focus") : null;
            users.put(u.getString("id"), new ServerMessage.User(u.getString("id"), u.getString("name"),
                    f == null ? null : new ServerMessage.Focus(f.getString("row"), f.getString("col"))));
        }
        return users;
    }
}
