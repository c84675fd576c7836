package dev.livegrid.session;

import dev.livegrid.support.RecordingSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox writing frames through a {@link FrameChannel} (the standalone path): batches, sharing, deferral. */
class OutboxFrameChannelTest {

    private final RecordingSession session = new RecordingSession();
    private final FakeChannel channel = new FakeChannel();

    @Test
    void textsQueuedBehindTheWriteInFlightLeaveTogetherInOneWriteInOrder() {
        Outbox outbox = outbox(channel);
        outbox.offer(new Outgoing.Text("a"));
        outbox.offer(new Outgoing.Text("b"));
        outbox.offer(Outgoing.Update.of("c", 3));
        outbox.offer(new Outgoing.Shared("d"));

        assertEquals(List.of(List.of("a")), channel.writes());
        channel.completeNext();
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), channel.writes());
        channel.completeNext();
        assertEquals(0, outbox.pending());
        assertEquals(0, outbox.pendingBytes());
        assertEquals(1, channel.maxInFlight);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchFrames() {
        Outbox outbox = outbox(channel);
        outbox.offer(new Outgoing.Text("first"));
        for (int i = 0; i < Outbox.MAX_BATCH + 5; i++) {
            outbox.offer(new Outgoing.Text("t" + i));
        }
        channel.completeNext();
        assertEquals(Outbox.MAX_BATCH, channel.writes().get(1).size());
        channel.completeNext();
        assertEquals(5, channel.writes().get(2).size());
        assertEquals("t" + (Outbox.MAX_BATCH + 4), channel.writes().get(2).get(4));
    }

    @Test
    void aCloseGoesThroughTheSessionOnlyAfterTheFramesBeforeItAreWritten() {
        Outbox outbox = outbox(channel);
        outbox.offer(new Outgoing.Text("a"));
        outbox.offer(new Outgoing.Text("b"));
        outbox.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));

        assertEquals(List.of(), session.closes());
        channel.completeNext();
        assertEquals(List.of(), session.closes(), "b is in flight");
        channel.completeNext();
        assertEquals(1, session.closes().size());
        assertEquals(List.of(List.of("a"), List.of("b")), channel.writes(), "a close frame is never part of a batch");
        assertFalse(outbox.offer(new Outgoing.Text("late")));
    }

    @Test
    void oneUpdateOfferedToEveryViewerIsFramedOnce() {
        FakeChannel other = new FakeChannel();
        Outbox one = outbox(channel);
        Outbox two = outbox(other);
        Outgoing.Update update = Outgoing.Update.applied("{\"type\":\"applied\",\"version\":7}", 7, "r1\u0000c1", s -> "re-encoded");

        one.offer(update);
        two.offer(update);

        assertSame(channel.frames.get(0).array(), other.frames.get(0).array(), "both wrote the same bytes");
        assertEquals("{\"type\":\"applied\",\"version\":7}", channel.writes().get(0).get(0));
    }

    @Test
    void aFailedWriteDropsTheQueueAndRefusesLaterOffers() {
        Outbox outbox = outbox(channel);
        outbox.offer(new Outgoing.Text("a"));
        outbox.offer(new Outgoing.Text("b"));
        channel.failNext(new IOException("reset"));
        assertEquals(0, outbox.pending());
        assertFalse(outbox.offer(new Outgoing.Text("c")));
        assertEquals(1, channel.writes().size());
    }

    @Test
    void withinABatchAnIdleOutboxWritesOnlyWhenTheBatchEndsAndThenInOneWrite() throws Exception {
        Outbox outbox = outbox(channel);
        onBatchingThread(thread -> {
            thread.beginBatch();
            outbox.offer(Outgoing.Update.of("v1", 1));
            outbox.offer(Outgoing.Update.of("v2", 2));
            outbox.offer(Outgoing.Update.of("v3", 3));
            assertEquals(List.of(), channel.writes(), "nothing is written before the batch ends");
            thread.endBatch();
            assertEquals(List.of(List.of("v1", "v2", "v3")), channel.writes());
        });
    }

    @Test
    void aBatchWritesAtOnceWhatReachesAWritesWorthAndNeverHoldsALargeMessage() throws Exception {
        Outbox outbox = outbox(channel);
        String large = "x".repeat((int) Outbox.MAX_BATCH_BYTES);
        onBatchingThread(thread -> {
            thread.beginBatch();
            outbox.offer(Outgoing.Update.of(large, 1));
            assertEquals(1, channel.writes().size(), "a welcome-sized message leaves at once");
            channel.completeNext();
            for (int i = 0; i < Outbox.MAX_BATCH; i++) {
                outbox.offer(Outgoing.Update.of("v" + (i + 2), i + 2));
            }
            assertEquals(2, channel.writes().size(), "a full batch leaves without waiting for the end");
            assertEquals(Outbox.MAX_BATCH, channel.writes().get(1).size());
            thread.endBatch();
            assertEquals(2, channel.writes().size(), "nothing was left to write");
        });
    }

    @Test
    void offersFromOtherThreadsAreNotHeldByABatch() {
        Outbox outbox = outbox(channel);
        outbox.offer(new Outgoing.Text("a")); // this test's thread is no batching thread
        assertEquals(List.of(List.of("a")), channel.writes());
    }

    @Test
    void serverFramesHaveTheShortestLengthFieldAndNoMask() {
        assertFrame(0, 2);
        assertFrame(125, 2);
        assertFrame(126, 4);
        assertFrame(65_535, 4);
        assertFrame(65_536, 10);
        ByteBuffer frame = ServerFrames.text("é😀");
        assertEquals(0x81, frame.get(0) & 0xFF);
        assertEquals(6, frame.get(1));
        byte[] payload = new byte[6];
        frame.position(2);
        frame.get(payload);
        assertEquals("é😀", new String(payload, StandardCharsets.UTF_8));
    }

    @Test
    void aLoneSurrogateIsNeverFramed() {
        assertThrows(IllegalArgumentException.class, () -> ServerFrames.text("a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> ServerFrames.text("\uDC00"));
        assertThrows(IllegalArgumentException.class, () -> ServerFrames.text("end\uD83D"));
    }

    private static void assertFrame(int length, int header) {
        ByteBuffer frame = ServerFrames.text("a".repeat(length));
        assertEquals(header + length, frame.remaining());
        assertEquals(0x81, frame.get(0) & 0xFF);
        assertEquals(0, frame.get(1) & 0x80, "a server frame is not masked");
        int field = frame.get(1) & 0x7F;
        assertEquals(length < 126 ? length : length < 65_536 ? 126 : 127, field);
    }

    private Outbox outbox(FakeChannel channel) {
        return new Outbox(session.session(), channel, 1024, 1 << 20,
                v -> new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow; resume with since=" + v));
    }

    interface BatchBody {
        void run(BatchingThread thread) throws Exception;
    }

    private static void onBatchingThread(BatchBody body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        BatchingThread[] self = new BatchingThread[1];
        BatchingThread thread = new BatchingThread(() -> {
            try {
                body.run(self[0]);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "test-batching");
        self[0] = thread;
        thread.start();
        thread.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() instanceof Error e) {
            throw e;
        }
    }

    /** Records each write's frames (as texts) and completes them when the test says. */
    static final class FakeChannel implements FrameChannel {
        final List<List<String>> writes = new ArrayList<>();
        final List<ByteBuffer> frames = new ArrayList<>();
        final Deque<SendHandler> inFlight = new ArrayDeque<>();
        int maxInFlight;

        @Override
        public synchronized void write(ByteBuffer[] batch, int count, SendHandler done) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                frames.add(batch[i]);
                texts.add(payload(batch[i].duplicate()));
            }
            writes.add(texts);
            inFlight.add(done);
            maxInFlight = Math.max(maxInFlight, inFlight.size());
        }

        synchronized List<List<String>> writes() {
            return List.copyOf(writes);
        }

        void completeNext() {
            SendHandler done;
            synchronized (this) {
                done = inFlight.poll();
            }
            assertTrue(done != null, "a write in flight");
            done.onResult(new SendResult());
        }

        void failNext(Throwable error) {
            SendHandler done;
            synchronized (this) {
                done = inFlight.poll();
            }
            done.onResult(new SendResult(error));
        }

        private static String payload(ByteBuffer frame) {
            int field = frame.get(1) & 0x7F;
            int header = field < 126 ? 2 : field == 126 ? 4 : 10;
            byte[] bytes = new byte[frame.remaining() - header];
            frame.position(frame.position() + header);
            frame.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
