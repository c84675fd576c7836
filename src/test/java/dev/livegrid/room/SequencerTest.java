package dev.livegrid.room;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's sequencer on its own: order, surviving a task that throws an {@link Error}, and taking turns. */
class SequencerTest {

    /**
     * Issue 9: a task that threw an Error (a lone surrogate's encoding, an OutOfMemoryError) killed the
     * room's thread and left the sequencer marked running: the room never ran again.
     */
    @Test
    void aTaskThatThrowsAnErrorIsLoggedAndTheNextTaskRuns() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Sequencer sequencer = new Sequencer(pool, 100);
            CountDownLatch ranAfter = new CountDownLatch(2);
            sequencer.submit(() -> {
                throw new OutOfMemoryError("thrown by the test");
            });
            sequencer.submit(ranAfter::countDown);
            sequencer.submit(() -> {
                throw new IllegalStateException("thrown by the test");
            });
            sequencer.submit(ranAfter::countDown);

            assertTrue(ranAfter.await(10, TimeUnit.SECONDS), "tasks after the failures ran");
            CountDownLatch later = new CountDownLatch(1);
            sequencer.submit(later::countDown);
            assertTrue(later.await(10, TimeUnit.SECONDS), "a task submitted later still runs");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Issue 9: a sequencer drained its whole queue in one turn, so a few busy rooms could keep a small
     * pool to themselves. A turn now runs at most {@link Sequencer#TASKS_PER_TURN} tasks.
     */
    @Test
    void aBusyRoomYieldsThePoolToAnotherRoomAfterOneTurn() {
        Queue<Runnable> pool = new ArrayDeque<>();
        Sequencer busy = new Sequencer(pool::add, 10_000);
        Sequencer quiet = new Sequencer(pool::add, 10_000);
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            busy.submit(() -> ran.add("busy-" + n));
        }
        quiet.submit(() -> ran.add("quiet"));

        while (!pool.isEmpty()) {
            pool.poll().run();
        }

        assertEquals(1001, ran.size());
        assertEquals(Sequencer.TASKS_PER_TURN, ran.indexOf("quiet"), "the quiet room ran after one turn of the busy one");
        List<String> busyOrder = ran.stream().filter(t -> t.startsWith("busy-")).toList();
        for (int i = 0; i < busyOrder.size(); i++) {
            assertEquals("busy-" + i, busyOrder.get(i), "a room's tasks keep their order across turns");
        }
    }

    /**
     * A turn that ends with tasks left while the server stops used to queue itself again on the shut-down
     * pool, throwing RejectedExecutionException on the room thread; submits after the stop threw too.
     */
    @Test
    void aPoolThatIsShutDownEndsTheRoomsTurnsQuietly() throws Exception {
        List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "room");
            thread.setUncaughtExceptionHandler((t, e) -> thrown.add(e));
            return thread;
        });
        Sequencer sequencer = new Sequencer(pool, 10_000);
        CountDownLatch firstTurnRunning = new CountDownLatch(1);
        CountDownLatch poolShutDown = new CountDownLatch(1);
        sequencer.submit(() -> {
            firstTurnRunning.countDown();
            try {
                poolShutDown.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 2 * Sequencer.TASKS_PER_TURN; i++) {
            sequencer.submit(() -> { });
        }
        assertTrue(firstTurnRunning.await(10, TimeUnit.SECONDS));
        pool.shutdown();
        poolShutDown.countDown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the turn ended instead of failing to queue the next");
        try {
            sequencer.submitAlways(() -> { });
        } catch (RuntimeException e) {
            thrown.add(e);
        }
        assertEquals(List.of(), thrown, "nothing thrown on the room thread nor at a caller after the stop");
    }
}
