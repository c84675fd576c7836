package dev.livegrid.session;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox against a hand-written fake session: one send at a time, order, coalescing, bounds, failures and stack depth. */
class OutboxTest {

    private static final int MANY = 100_000;

    private final FakeSession session = new FakeSession();
    private final FakeRemote remote = session.remote;
    private final List<Long> overflowCalls = new ArrayList<>();
    private final LongFunction<CloseReason> overflow = v -> {
        overflowCalls.add(v);
        return new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow; resume with since=" + v);
    };

    // ---- one send at a time, in order ----

    @Test
    void theNextSendStartsOnlyAfterTheOneInFlightCompletes() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);

        assertTrue(outbox.offer(text("a")));
        assertTrue(outbox.offer(text("b")));
        assertTrue(outbox.offer(text("c")));

        assertEquals(List.of("a"), remote.sent());
        assertEquals(2, outbox.pending());
        remote.completeNext();
        assertEquals(List.of("a", "b"), remote.sent());
        assertEquals(1, outbox.pending());
        remote.completeNext();
        assertEquals(List.of("a", "b", "c"), remote.sent());
        remote.completeNext();
        assertEquals(0, outbox.pending());
        assertEquals(0, outbox.pendingBytes());
        assertEquals(1, remote.maxInFlight());
    }

    @Test
    void anIdleOutboxSendsTheNextOfferAtOnce() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        remote.completeNext();

        outbox.offer(text("b"));

        assertEquals(List.of("a", "b"), remote.sent());
    }

    @Test
    void itemsAreSentInTheOrderOffered() {
        Outbox outbox = new Outbox(session, 1000, 10_000_000);
        List<String> offered = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String t = "m" + i;
            offered.add(t);
            Outgoing item = switch (i % 3) {
                case 0 -> text(t);
                case 1 -> Outgoing.Update.of(t, i);
                default -> new Outgoing.Binary(ByteBuffer.wrap(t.getBytes(StandardCharsets.UTF_8)));
            };
            assertTrue(outbox.offer(item));
            if (i % 7 == 0) {
                remote.completeNext();
            }
        }
        while (remote.completeNext()) {
            // drain
        }

        assertEquals(offered, remote.sent());
        assertEquals(1, remote.maxInFlight());
    }

    @Test
    void completionsFromAnotherThreadKeepOrderAndOneSendInFlight() throws Exception {
        ExecutorService network = Executors.newSingleThreadExecutor();
        try {
            remote.completeWith(handler -> network.execute(() -> {
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    Thread.yield();
                }
                handler.onResult(new SendResult());
            }));
            Outbox outbox = new Outbox(session, 20_000, 100_000_000);
            List<String> offered = IntStream.range(0, 10_000).mapToObj(i -> "m" + i).toList();

            for (String t : offered) {
                assertTrue(outbox.offer(text(t)));
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (remote.sent().size() < offered.size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(offered, remote.sent());
            assertEquals(1, remote.maxInFlight());
        } finally {
            network.shutdownNow();
        }
    }

    @Test
    void offerNeverBlocksWhenSendsNeverComplete() {
        Outbox outbox = new Outbox(session, 10_000, 100_000_000, overflow);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 1; i <= 10_001; i++) {
                assertTrue(outbox.offer(Outgoing.Update.of("u" + i, i)), "offer " + i);
            }
            assertFalse(outbox.offer(Outgoing.Update.of("over", 10_002)));
            assertFalse(outbox.offer(text("after")));
        });
        assertEquals(List.of("u1"), remote.sent());
        assertEquals(List.of(1L), overflowCalls);
    }

    // ---- coalescing ----

    @Test
    void underPressureANewerUpdateOfACellReplacesTheQueuedOneWhichTheNextUpdateNamesAsSkipped() {
        Outbox outbox = new Outbox(session, 8, 1_000_000); // pressure from 2 queued items
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));

        outbox.offer(update(4, "A"));

        assertEquals(2, outbox.pending());
        completeAll();
        assertEquals(List.of("welcome", "3:B skipped [2]", "4:A"), remote.sent());
    }

    @Test
    void coalescingKeepsVersionsInOrderAndListsEveryHoleOnTheMessageAfterIt() {
        Outbox outbox = new Outbox(session, 8, 1_000_000); // pressure from 2 queued items
        outbox.offer(Outgoing.Update.of("1:welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));

        outbox.offer(update(4, "A"));

        completeAll();
        assertEquals(List.of("apply", "apply"), ReaderSequence.verdicts(remote.sent()),
                "a reader must never see a gap: " + remote.sent());
    }

    @Test
    void anUpdateAfterTheOlderOneThatCannotBeReencodedStopsTheCoalescing() {
        Outbox outbox = new Outbox(session, 8, 1_000_000);
        outbox.offer(Outgoing.Update.of("1:welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(Outgoing.Update.of("3:ack", 3)); // cannot list 2 as skipped

        outbox.offer(update(4, "A"));

        completeAll();
        assertEquals(List.of("1:welcome", "2:A", "3:ack", "4:A"), remote.sent());
    }

    @Test
    void aReencodableUpdateOfNoCellListsTheVersionRemovedBeforeIt() {
        Outbox outbox = new Outbox(session, 8, 1_000_000);
        outbox.offer(Outgoing.Update.of("1:welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(Outgoing.Update.applied("3:ack", 3, null, skipped -> "3:ack skipped " + skipped));

        outbox.offer(update(4, "A"));

        completeAll();
        assertEquals(List.of("1:welcome", "3:ack skipped [2]", "4:A"), remote.sent());
    }

    @Test
    void anUpdateWithoutReencodeIsNeverMergedIntoOrFrom() {
        Outbox outbox = new Outbox(session, 8, 1_000_000);
        outbox.offer(Outgoing.Update.of("1:welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));

        outbox.offer(new Outgoing.Update("4:A", 4, "A", List.of(), null));

        completeAll();
        assertEquals(List.of("1:welcome", "2:A", "3:B", "4:A"), remote.sent());
    }

    @Test
    void repeatedCoalescingCollectsEverySkippedVersionInOrder() {
        Outbox outbox = new Outbox(session, 8, 1_000_000);
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));

        outbox.offer(update(4, "A"));
        outbox.offer(update(5, "B"));
        outbox.offer(update(6, "A"));

        completeAll();
        assertEquals(List.of("welcome", "5:B skipped [2, 3, 4]", "6:A"), remote.sent());
        assertEquals(0, outbox.pendingBytes());
    }

    @Test
    void updatesOfOtherCellsAndUpdatesWithoutKeyDoNotCoalesce() {
        Outbox outbox = new Outbox(session, 8, 1_000_000);
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));

        outbox.offer(update(4, "C"));
        outbox.offer(Outgoing.Update.of("keyless 5", 5));
        outbox.offer(Outgoing.Update.of("keyless 6", 6));
        outbox.offer(text("text"));

        assertEquals(6, outbox.pending());
        completeAll();
        assertEquals(List.of("welcome", "2:A", "3:B", "4:C", "keyless 5", "keyless 6", "text"), remote.sent());
    }

    @Test
    void withoutPressureUpdatesOfOneCellAreAllSent() {
        Outbox outbox = new Outbox(session, 100, 1_000_000); // pressure only from 25 queued items
        outbox.offer(Outgoing.Update.of("welcome", 1));

        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "A"));

        completeAll();
        assertEquals(List.of("welcome", "2:A", "3:A"), remote.sent());
    }

    @Test
    void queuedBytesAloneCanPutTheOutboxUnderPressure() {
        Outbox outbox = new Outbox(session, 1000, 4000); // pressure from 1000 bytes
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(text("x".repeat(600)));

        outbox.offer(update(3, "A"));

        completeAll();
        assertEquals(List.of("welcome", "x".repeat(600), "3:A skipped [2]"), remote.sent());
    }

    @Test
    void anUpdateInFlightIsNotCoalescedWith() {
        Outbox outbox = new Outbox(session, 4, 1_000_000); // pressure from 1 queued item
        outbox.offer(update(1, "A"));
        outbox.offer(text("t"));

        outbox.offer(update(2, "A"));

        completeAll();
        assertEquals(List.of("1:A", "t", "2:A"), remote.sent());
    }

    // ---- bounds ----

    @Test
    void pastTheItemBoundTheSessionIsClosedWithTheResumeVersionOfTheLastUpdateHandedOver() {
        Outbox outbox = new Outbox(session, 4, 1_000_000, overflow);
        for (int v = 1; v <= 5; v++) {
            assertTrue(outbox.offer(Outgoing.Update.of("u" + v, v)));
        }

        assertFalse(outbox.offer(Outgoing.Update.of("u6", 6)));

        assertEquals(List.of(1L), overflowCalls);
        assertEquals(1, session.closes().size());
        CloseReason reason = session.closes().get(0);
        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, reason.getCloseCode());
        assertEquals("too slow; resume with since=1", reason.getReasonPhrase());
        assertEquals(0, outbox.pending());
        assertEquals(0, outbox.pendingBytes());
    }

    @Test
    void theResumeVersionCountsUpdatesCompletedBeforeTheOverflow() {
        Outbox outbox = new Outbox(session, 3, 1_000_000, overflow);
        for (int v = 1; v <= 3; v++) {
            outbox.offer(Outgoing.Update.of("u" + v, v));
        }
        completeAll();
        outbox.offer(text("in flight, no version"));
        for (int v = 4; v <= 6; v++) {
            outbox.offer(Outgoing.Update.of("u" + v, v));
        }

        assertFalse(outbox.offer(Outgoing.Update.of("u7", 7)));

        assertEquals(List.of(3L), overflowCalls);
    }

    @Test
    void pastTheByteBoundTheSessionIsClosedWithTheResumeVersion() {
        Outbox outbox = new Outbox(session, 1000, 1000, overflow);
        outbox.offer(Outgoing.Update.of("u1", 1));
        assertTrue(outbox.offer(Outgoing.Update.of("x".repeat(300), 2))); // 616 bytes queued

        assertFalse(outbox.offer(Outgoing.Update.of("y".repeat(300), 3)));

        assertEquals(List.of(1L), overflowCalls);
        assertEquals("too slow; resume with since=1", session.closes().get(0).getReasonPhrase());
    }

    @Test
    void aQueuedUpdateStandingInForAVersionLowersTheResumeVersionBelowIt() {
        Outbox outbox = new Outbox(session, 8, 1_000_000, overflow); // pressure from 2 queued items
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));
        outbox.offer(update(4, "A"));  // queue: 3:B skipping 2, 4:A standing in for 2
        remote.completeNext();          // 3:B handed over; the change of 2 is only in the queue

        for (int v = 5; v <= 11; v++) {
            assertTrue(outbox.offer(update(v, "K" + v)));
        }
        assertFalse(outbox.offer(update(12, "K12")));

        assertEquals(List.of(1L), overflowCalls, "the change of version 2 is still queued: the peer only has every version up to 1");
        assertEquals("too slow; resume with since=1", session.closes().get(0).getReasonPhrase());
        assertEquals(List.of("welcome", "3:B skipped [2]"), remote.sent());
    }

    @Test
    void aCoalescedUpdateAlreadyHandedOverDoesNotLowerTheResumeVersion() {
        Outbox outbox = new Outbox(session, 8, 1_000_000, overflow);
        outbox.offer(Outgoing.Update.of("welcome", 1));
        outbox.offer(update(2, "A"));
        outbox.offer(update(3, "B"));
        outbox.offer(update(4, "A"));
        remote.completeNext();
        remote.completeNext();          // 4:A (standing in for 2) handed over

        for (int v = 5; v <= 12; v++) {
            assertTrue(outbox.offer(update(v, "K" + v)));
        }
        assertFalse(outbox.offer(update(13, "K13")));

        assertEquals(List.of(4L), overflowCalls);
    }

    @Test
    void afterAnOverflowOffersAreRefusedAndNothingMoreIsSent() {
        Outbox outbox = new Outbox(session, 2, 1_000_000, overflow);
        outbox.offer(Outgoing.Update.of("u1", 1));
        outbox.offer(Outgoing.Update.of("u2", 2));
        outbox.offer(Outgoing.Update.of("u3", 3));
        assertFalse(outbox.offer(Outgoing.Update.of("u4", 4)));

        assertFalse(outbox.offer(Outgoing.Update.of("u5", 5)));
        assertFalse(outbox.offer(new Outgoing.Shared("p")));
        outbox.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
        completeAll();

        assertEquals(List.of("u1"), remote.sent());
        assertEquals(1, session.closes().size());
        assertEquals(1, overflowCalls.size());
    }

    @Test
    void theDefaultOverflowCloseIsTryAgainLater() {
        Outbox outbox = new Outbox(session, 1, 1_000_000);
        outbox.offer(text("a"));
        outbox.offer(text("b"));

        assertFalse(outbox.offer(text("c")));

        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, session.closes().get(0).getCloseCode());
    }

    // ---- close ----

    @Test
    void closeSendsWhatIsQueuedThenClosesAndRefusesLaterOffers() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        outbox.offer(text("b"));
        CloseReason bye = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "bye");

        outbox.close(bye);

        assertEquals(List.of(), session.closes());
        assertFalse(outbox.offer(text("late")));
        completeAll();
        assertEquals(List.of("a", "b"), remote.sent());
        assertEquals(List.of(bye), session.closes());
    }

    // ---- failures ----

    @Test
    void aSendThatCompletesWithAnErrorDropsTheQueueAndRefusesLaterOffers() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        outbox.offer(text("b"));
        outbox.offer(text("c"));

        remote.failNext(new IOException("connection reset"));

        assertEquals(List.of("a"), remote.sent());
        assertEquals(0, outbox.pending());
        assertEquals(0, outbox.pendingBytes());
        assertFalse(outbox.offer(text("d")));
        completeAll();
        assertEquals(List.of("a"), remote.sent());
    }

    @Test
    void aSendThatFailsInlineDropsTheQueueAndRefusesLaterOffers() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        outbox.offer(text("b"));
        remote.completeWith(handler -> handler.onResult(new SendResult(new IOException("broken pipe"))));

        remote.completeNext(); // a succeeds; b is sent and fails at once

        assertEquals(List.of("a", "b"), remote.sent());
        assertFalse(outbox.offer(text("c")));
        assertEquals(List.of("a", "b"), remote.sent());
    }

    @Test
    void aSendThatThrowsIllegalStateDropsTheQueueAndRefusesLaterOffers() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        outbox.offer(text("b"));
        outbox.offer(text("c"));
        remote.throwOnSend(new IllegalStateException("the connection has been closed"));

        remote.completeNext(); // the send of b throws

        assertEquals(0, outbox.pending());
        assertFalse(outbox.offer(text("d")));
        assertEquals(List.of("a"), remote.sent());
    }

    @Test
    void aFirstSendThatThrowsDoesNotEscapeOffer() {
        remote.throwOnSend(new IllegalStateException("closed"));
        Outbox outbox = new Outbox(session, 100, 1_000_000);

        outbox.offer(text("a"));

        assertFalse(outbox.offer(text("b")));
        assertEquals(0, outbox.pending());
    }

    /**
     * Issue 9: a send that threw an Error escaped the outbox with "sending" still set: the session's
     * every later message queued for ever behind it, and the Error reached the room that offered.
     */
    @Test
    void aSendThatThrowsAnErrorIsAFailedSendNotAStuckOutbox() {
        Outbox outbox = new Outbox(session, 100, 1_000_000);
        outbox.offer(text("a"));
        remote.throwOnSend(new StackOverflowError("thrown by the test"));

        remote.completeNext(); // a is sent; the next send (b) throws
        assertDoesNotThrowOffer(outbox, "b");

        assertEquals(0, outbox.pending());
        assertFalse(outbox.offer(text("c")), "the connection counts as gone, as after any failed send");
    }

    private static void assertDoesNotThrowOffer(Outbox outbox, String text) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> outbox.offer(text(text)));
    }

    // ---- stack depth ----

    @Test
    void manyQueuedItemsCompletingInlineDoNotGrowTheStack() throws Exception {
        Outbox outbox = new Outbox(session, 2 * MANY, Long.MAX_VALUE);
        outbox.offer(text("first"));
        for (int i = 0; i < MANY; i++) {
            outbox.offer(text("m" + i));
        }
        remote.completeWith(handler -> handler.onResult(new SendResult()));

        Throwable failure = onSmallStack(remote::completeNext);

        assertNull(failure);
        assertEquals(MANY + 1, remote.sent().size());
        assertEquals("m" + (MANY - 1), remote.sent().get(MANY));
        assertEquals(0, outbox.pending());
    }

    @Test
    void manyOffersCompletingInlineDoNotGrowTheStack() throws Exception {
        remote.completeWith(handler -> handler.onResult(new SendResult()));
        Outbox outbox = new Outbox(session, 10, 1_000_000);

        Throwable failure = onSmallStack(() -> {
            for (int i = 0; i < MANY; i++) {
                outbox.offer(text("m" + i));
            }
        });

        assertNull(failure);
        assertEquals(MANY, remote.sent().size());
    }

    // ---- helpers ----

    private void completeAll() {
        while (remote.completeNext()) {
            // keep completing until nothing is in flight
        }
    }

    private static Outgoing.Text text(String t) {
        return new Outgoing.Text(t);
    }

    /** An update of cell {@code key} at {@code version}; re-encoded as "v:key skipped [..]". */
    private static Outgoing.Update update(long version, String key) {
        Function<List<Long>, String> reencode = skipped -> version + ":" + key + " skipped " + skipped;
        return new Outgoing.Update(version + ":" + key, version, key, List.of(), reencode);
    }

    /** Runs on a thread with a 256 KiB stack, where deep recursion would overflow; returns what it threw. */
    private static Throwable onSmallStack(Runnable body) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(t.isAlive(), "still running");
        return thrown[0];
    }

    /** What the fake remote does with a send's completion handler; by default it holds it for the test. */
    interface Completer {
        void complete(SendHandler handler);
    }

    /** An async remote that records every send and completes it when and how the test says. */
    static final class FakeRemote implements RemoteEndpoint.Async {
        private final List<String> sent = new ArrayList<>();
        private final Deque<SendHandler> held = new ArrayDeque<>();
        private Completer completer;
        private Throwable throwOnSend;
        private int inFlight;
        private int maxInFlight;

        synchronized List<String> sent() {
            return List.copyOf(sent);
        }

        synchronized int maxInFlight() {
            return maxInFlight;
        }

        /** From now on, completes each send through {@code c} (inline, or on another thread) instead of holding it. */
        synchronized void completeWith(Completer c) {
            this.completer = c;
        }

        synchronized void throwOnSend(Throwable e) {
            this.throwOnSend = e;
        }

        /** Completes the oldest held send successfully; false if none is held. */
        boolean completeNext() {
            return finishNext(new SendResult());
        }

        boolean failNext(Throwable cause) {
            return finishNext(new SendResult(cause));
        }

        private boolean finishNext(SendResult result) {
            SendHandler handler;
            synchronized (this) {
                handler = held.poll();
                if (handler == null) {
                    return false;
                }
                inFlight--;
            }
            handler.onResult(result);
            return true;
        }

        private void record(String what, SendHandler handler) {
            Completer c;
            synchronized (this) {
                if (throwOnSend instanceof Error e) {
                    throw e;
                }
                if (throwOnSend != null) {
                    throw (RuntimeException) throwOnSend;
                }
                sent.add(what);
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                c = completer;
                if (c == null) {
                    held.add(handler);
                    return;
                }
            }
            c.complete(result -> {
                synchronized (this) {
                    inFlight--;
                }
                handler.onResult(result);
            });
        }

        @Override
        public void sendText(String text, SendHandler handler) {
            record(text, handler);
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            record(StandardCharsets.UTF_8.decode(data).toString(), handler);
        }

        @Override
        public synchronized void sendPing(ByteBuffer applicationData) {
            sent.add("ping");
        }

        @Override
        public void sendPong(ByteBuffer applicationData) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getSendTimeout() {
            return 0;
        }

        @Override
        public void setSendTimeout(long timeoutMillis) {
        }

        @Override
        public Future<Void> sendText(String text) {
            throw new UnsupportedOperationException("the outbox must use the SendHandler form");
        }

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            throw new UnsupportedOperationException("the outbox must use the SendHandler form");
        }

        @Override
        public Future<Void> sendObject(Object data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendObject(Object data, SendHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setBatchingAllowed(boolean allowed) {
        }

        @Override
        public boolean getBatchingAllowed() {
            return false;
        }

        @Override
        public void flushBatch() {
        }
    }

    /** A session with a recording async remote and a recording close; everything else is unsupported. */
    static final class FakeSession implements Session {
        final FakeRemote remote = new FakeRemote();
        private final List<CloseReason> closes = new ArrayList<>();

        synchronized List<CloseReason> closes() {
            return List.copyOf(closes);
        }

        @Override
        public RemoteEndpoint.Async getAsyncRemote() {
            return remote;
        }

        @Override
        public String getId() {
            return "fake-1";
        }

        @Override
        public synchronized void close(CloseReason closeReason) {
            closes.add(closeReason);
        }

        @Override
        public void close() {
            close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
        }

        @Override
        public synchronized boolean isOpen() {
            return closes.isEmpty();
        }

        @Override
        public RemoteEndpoint.Basic getBasicRemote() {
            throw new UnsupportedOperationException("the outbox must not block");
        }

        @Override
        public WebSocketContainer getContainer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addMessageHandler(MessageHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Whole<T> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void addMessageHandler(Class<T> clazz, MessageHandler.Partial<T> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<MessageHandler> getMessageHandlers() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeMessageHandler(MessageHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String getProtocolVersion() {
            return "13";
        }

        @Override
        public String getNegotiatedSubprotocol() {
            return "";
        }

        @Override
        public List<Extension> getNegotiatedExtensions() {
            return List.of();
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public long getMaxIdleTimeout() {
            return 0;
        }

        @Override
        public void setMaxIdleTimeout(long milliseconds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setMaxBinaryMessageBufferSize(int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getMaxBinaryMessageBufferSize() {
            return 0;
        }

        @Override
        public void setMaxTextMessageBufferSize(int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getMaxTextMessageBufferSize() {
            return 0;
        }

        @Override
        public URI getRequestURI() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, List<String>> getRequestParameterMap() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String getQueryString() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, String> getPathParameters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Object> getUserProperties() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Principal getUserPrincipal() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<Session> getOpenSessions() {
            throw new UnsupportedOperationException();
        }
    }
}
