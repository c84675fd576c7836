package dev.livegrid.room;

import dev.livegrid.metrics.Meters;
import dev.livegrid.store.Change;
import dev.livegrid.store.SheetStore;
import dev.livegrid.store.SheetsBehindException;
import dev.livegrid.store.StoreException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes applied ops durable before anyone hears of them: one thread takes every change waiting,
 * from every room, and commits them in one transaction (group commit: one fsync for the batch),
 * then tells each room which of its versions are durable, or that they failed.
 * <p>
 * Sequencers never wait for the disk: they hand changes over and go on; a room's broadcast happens
 * in its own sequencer when the commit is reported. Every change carries the room's epoch; a failed
 * commit fails every later change of the same or an older epoch of that room unseen (they were
 * applied on top of the failed ones), while the room rolls back and starts a new epoch. Where other
 * servers write the same sheets, a commit can also find a sheet behind ({@link SheetsBehindException}):
 * that sheet's ops are left out, the rest committed, and the room catches up and numbers them again.
 */
final class Committer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Committer.class.getName());
    /** Changes in one transaction at most. */
    private static final int MAX_BATCH = 2048;

    /** One change, the room to report to and the room's epoch; {@code version} is 0 for snapshots and access changes. */
    private record Job(Room room, Change change, long version, int epoch) {
    }

    private final SheetStore store;
    private final Semaphore capacity;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private static final long NO_COMMIT = Long.MIN_VALUE;
    private final Meters meters;
    /** System.nanoTime when the commit under way began; NO_COMMIT when none is (read by the health check). */
    private volatile long commitStarted = NO_COMMIT;
    private final Map<Room, Integer> failedEpoch = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Committer(SheetStore store, int capacity, Meters meters) {
        this.meters = meters;
        this.store = store;
        this.capacity = new Semaphore(capacity);
        this.thread = new Thread(this::run, "livegrid-committer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Reserves room for one op's change; false when the store is that far behind. */
    boolean reserve() {
        return capacity.tryAcquire();
    }

    /** Gives back a reservation that was not used (the op was rejected). */
    void release() {
        capacity.release();
    }

    /** Hands over an applied op's change, for which {@link #reserve} succeeded. */
    void submit(Room room, int epoch, Change.Applied change) {
        queue.add(new Job(room, change, change.op().version(), epoch));
    }

    /** Hands over a snapshot; it takes no reservation (one per many ops). */
    void submitSnapshot(Room room, int epoch, Change.Snapshotted change) {
        queue.add(new Job(room, change, 0, epoch));
    }

    /** Hands over an access-list change; like a snapshot it takes no reservation (they are rare). */
    void submitAccess(Room room, int epoch, Change.AccessChanged change) {
        queue.add(new Job(room, change, 0, epoch));
    }

    /** Forgets a room that has ended. */
    void forget(Room room) {
        failedEpoch.remove(room);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    commitTheRest(batch);
                    return;
                }
            } catch (RuntimeException | Error e) { // reporting failed: keep committing for everyone else
                LOG.log(Level.SEVERE, "the committer failed unexpectedly", e);
            } finally {
                int ops = (int) batch.stream().filter(j -> j.version() > 0).count();
                capacity.release(ops);
                batch.clear();
            }
        }
    }

    /** At shutdown: what the rooms handed over is still committed, so nothing acknowledged is lost. */
    private void commitTheRest(List<Job> batch) {
        batch.clear();
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            commit(batch);
        }
    }

    /** How long the commit under way has been running; zero when none is. */
    Duration commitRunningFor() {
        long started = commitStarted;
        return started == NO_COMMIT ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
    }

    private void commit(List<Job> batch) {
        long started = System.nanoTime();
        commitStarted = started;
        try {
            commitBatch(batch);
        } finally {
            commitStarted = NO_COMMIT;
            meters.committed(batch.size(), System.nanoTime() - started);
        }
    }

    private void commitBatch(List<Job> batch) {
        List<Job> tried = new ArrayList<>(batch.size());
        List<Job> refused = new ArrayList<>();
        for (Job job : batch) {
            boolean stale = job.epoch() <= failedEpoch.getOrDefault(job.room(), -1);
            (stale ? refused : tried).add(job);
        }
        Attempt attempt = commitAhead(tried);
        if (attempt.failure() != null) {
            commitEachSheet(attempt.left(), attempt.failure());
        }
        report(refused, "an earlier commit of this sheet failed");
    }

    /** What {@link #commitAhead} could not commit, and why; no failure when everything left was committed. */
    private record Attempt(List<Job> left, Throwable failure) {
    }

    /**
     * Commits the jobs; when the store finds sheets that other servers moved on
     * ({@link SheetsBehindException}), their rooms are told so ({@link Room#commitBehind}) and the rest
     * is committed again without those sheets' ops. Each round leaves out at least one sheet, so it ends.
     */
    private Attempt commitAhead(List<Job> jobs) {
        List<Job> tried = jobs;
        while (!tried.isEmpty()) {
            Throwable failure = tryCommit(tried);
            if (failure == null) {
                report(tried, null);
                return new Attempt(List.of(), null);
            }
            if (!(failure instanceof SheetsBehindException behind)) {
                return new Attempt(tried, failure);
            }
            List<Job> late = new ArrayList<>();
            List<Job> rest = new ArrayList<>();
            for (Job job : tried) {
                boolean lateOp = job.version() > 0 && behind.sheetIds().contains(job.change().sheetId());
                (lateOp ? late : rest).add(job);
            }
            if (late.isEmpty()) {
                return new Attempt(tried, failure); // names no sheet of this batch: a store error
            }
            reportBehind(late);
            tried = rest;
        }
        return new Attempt(List.of(), null);
    }

    /**
     * Tells each room whose ops came too late that it is behind: its later changes of the same epoch
     * are refused unseen (they were numbered after these), and it numbers its ops again after catching up.
     */
    private void reportBehind(List<Job> late) {
        Map<Room, Integer> epochs = new LinkedHashMap<>();
        late.forEach(job -> epochs.merge(job.room(), job.epoch(), Math::max));
        epochs.forEach((room, epoch) -> {
            failedEpoch.merge(room, epoch, Math::max);
            room.commitBehind(epoch);
        });
    }

    /**
     * After a failed batch (rolled back whole), commits each sheet's changes on their own, so a sheet
     * whose changes cannot be committed (a snapshot the database refuses, say) fails alone instead of
     * taking the other sheets of its batch down with it.
     */
    private void commitEachSheet(List<Job> tried, Throwable batchFailure) {
        Map<Room, List<Job>> bySheet = new LinkedHashMap<>();
        tried.forEach(job -> bySheet.computeIfAbsent(job.room(), r -> new ArrayList<>()).add(job));
        if (bySheet.size() == 1) {
            fail(tried, batchFailure);
            return;
        }
        bySheet.values().forEach(jobs -> {
            Attempt attempt = commitAhead(jobs);
            if (attempt.failure() != null) {
                fail(attempt.left(), attempt.failure());
            }
        });
    }

    /** Commits the jobs' changes in one transaction; the failure, or null. Catches everything: the committer must not die. */
    private Throwable tryCommit(List<Job> jobs) {
        try {
            store.commit(jobs.stream().map(Job::change).toList());
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private void fail(List<Job> jobs, Throwable failure) {
        String problem = failure instanceof StoreException ? failure.getMessage()
                : "the store failed unexpectedly: " + failure;
        LOG.log(Level.SEVERE, "commit of " + jobs.size() + " changes failed; their ops are rejected"
                + " with store-unavailable: " + problem, failure);
        jobs.forEach(job -> failedEpoch.merge(job.room(), job.epoch(), Math::max));
        report(jobs, problem);
    }

    /**
     * Tells each room, in order, which of its versions and how many of its snapshots and access changes
     * are durable (problem null) or failed.
     */
    private static void report(List<Job> jobs, String problem) {
        Map<Room, List<Long>> versions = new LinkedHashMap<>();
        Map<Room, Integer> epochs = new LinkedHashMap<>();
        Map<Room, Integer> snapshots = new LinkedHashMap<>();
        Map<Room, Integer> accessChanges = new LinkedHashMap<>();
        for (Job job : jobs) {
            List<Long> mine = versions.computeIfAbsent(job.room(), r -> new ArrayList<>());
            if (job.version() > 0) {
                mine.add(job.version());
            } else if (job.change() instanceof Change.AccessChanged) {
                accessChanges.merge(job.room(), 1, Integer::sum);
            } else {
                snapshots.merge(job.room(), 1, Integer::sum);
            }
            epochs.merge(job.room(), job.epoch(), Math::max);
        }
        versions.forEach((room, list) -> {
            int snapshotCount = snapshots.getOrDefault(room, 0);
            int accessCount = accessChanges.getOrDefault(room, 0);
            if (problem == null) {
                room.committed(list, snapshotCount, accessCount);
            } else {
                room.commitFailed(problem, epochs.get(room), snapshotCount, accessCount);
            }
        });
    }
}
