package dev.livegrid.health;

import dev.livegrid.room.RoomRegistry;

import java.time.Duration;

/**
 * Whether LiveGrid can serve now: its store answers a question, and no commit has been running longer
 * than {@link #STUCK_AFTER} (a commit that never returns would leave every op of every sheet
 * unacknowledged while connections stay open and look fine).
 */
public final class Health {

    /** A commit running this long counts as stuck: the store's own timeouts (SQLite's 5 s busy wait) are far shorter. */
    public static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private final RoomRegistry rooms;
    private final Duration stuckAfter;

    public Health(RoomRegistry rooms) {
        this(rooms, STUCK_AFTER);
    }

    /** With another threshold for a stuck commit (tests). */
    public Health(RoomRegistry rooms, Duration stuckAfter) {
        this.rooms = rooms;
        this.stuckAfter = stuckAfter;
    }

    /** What a check found. {@code problem} is null when up. */
    public record Report(String problem, long storeMillis, long commitRunningMillis) {
        public boolean up() {
            return problem == null;
        }
    }

    /** Asks the store and looks at the committer; on the calling thread, as long as the store takes to answer. */
    public Report check() {
        Duration running = rooms.commitRunningFor();
        if (running.compareTo(stuckAfter) >= 0) {
            return new Report("a commit has been running for " + running.toSeconds() + " s", -1, running.toMillis());
        }
        long started = System.nanoTime();
        String problem = null;
        try {
            rooms.store().probe();
        } catch (RuntimeException e) { // a StoreException, or whatever a broken store throws
            problem = "the store does not answer: " + e.getMessage();
        }
        long storeMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        return new Report(problem, storeMillis, rooms.commitRunningFor().toMillis());
    }
}
