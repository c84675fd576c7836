package dev.livegrid.support;

import static dev.livegrid.support.RawWebSocket.BINARY;
import static dev.livegrid.support.RawWebSocket.CLOSE;
import static dev.livegrid.support.RawWebSocket.CONTINUATION;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.PONG;
import static dev.livegrid.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Messages a client sends to {@code /echo} all at once, without waiting for any echo, so that the
 * server reads many frames in one read: {@link #assertAllEchoed} writes them in a single write on
 * another thread while it reads the echoes, and checks that each comes back whole and in order.
 */
public final class PipelinedEcho {

    /** Text pieces of 1 to 4 UTF-8 bytes, so that fragment boundaries fall inside characters. */
    private static final String[] TEXT_PIECES = {"a", "é", "€", "𝄞", "Z", "ß", "語"};

    /** One message: its opcode, payload and how many frames it is sent in (1: unfragmented). */
    public record Message(int opcode, byte[] payload, int fragments) {
    }

    private PipelinedEcho() {
    }

    /** {@code count} binary messages of {@code size} random bytes, each in {@code fragments} frames; every one differs. */
    public static List<Message> binary(int count, int size, int fragments, long seed) {
        Random random = new Random(seed);
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            ByteBuffer.wrap(payload).putInt(i);
            messages.add(new Message(BINARY, payload, fragments));
        }
        return messages;
    }

    /**
     * {@code count} text messages of exactly {@code size} UTF-8 bytes mixing 1- to 4-byte characters,
     * each in {@code fragments} frames cut at byte positions (inside characters too); every one differs.
     */
    public static List<Message> text(int count, int size, int fragments, long seed) {
        Random random = new Random(seed);
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
            bytes.writeBytes(String.format("%08d", i).getBytes(StandardCharsets.UTF_8));
            while (bytes.size() < size) {
                byte[] piece = TEXT_PIECES[random.nextInt(TEXT_PIECES.length)].getBytes(StandardCharsets.UTF_8);
                bytes.writeBytes(bytes.size() + piece.length <= size ? piece : new byte[] {'a'});
            }
            messages.add(new Message(TEXT, bytes.toByteArray(), fragments));
        }
        return messages;
    }

    /**
     * Sends every message in one write and asserts that the echoes come back whole (in one frame or in
     * fragments, as the server likes), each with the message's type and payload, in order. Server pings
     * are answered once the write is done; a close fails the test with its code, its reason and how
     * many echoes came before it.
     */
    public static void assertAllEchoed(RawWebSocket ws, List<Message> messages) throws IOException {
        byte[] all = encode(ws, messages);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> written = writer.submit(() -> {
                ws.writeRaw(all);
                return null;
            });
            Pongs pongs = new Pongs(ws, written);
            for (int i = 0; i < messages.size(); i++) {
                Received echo = nextMessage(ws, pongs);
                if (echo.opcode() == CLOSE) {
                    fail("the server sent " + echo.describeClose() + " after " + i + " of " + messages.size() + " echoes");
                }
                assertEcho(echo, messages.get(i), i);
            }
            awaitWrite(written);
            pongs.answer();
        } finally {
            writer.shutdownNow();
        }
    }

    /**
     * Sends every message and then {@code after} in one write, expecting the server to fail the connection
     * on {@code after}: returns the close code it sends, having checked that the echoes before it are a
     * prefix of the messages, in order. The write may be cut short by the server's close.
     */
    public static int closeCodeAfterEchoes(RawWebSocket ws, List<Message> messages, byte[] after) throws IOException {
        byte[] all = RawWebSocket.concat(encode(ws, messages), after);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Pongs pongs = new Pongs(ws, writer.submit(() -> ws.writeRawTolerantly(all)));
            for (int echoed = 0; ; echoed++) {
                Received echo = nextMessage(ws, pongs);
                if (echo.opcode() == CLOSE) {
                    return echo.closeCode();
                }
                assertTrue(echoed < messages.size(), () -> "more echoes than messages: " + echo);
                assertEcho(echo, messages.get(echoed), echoed);
            }
        } finally {
            writer.shutdownNow();
        }
    }

    private static byte[] encode(RawWebSocket ws, List<Message> messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Message message : messages) {
            byte[] payload = message.payload();
            int fragments = message.fragments();
            for (int f = 0; f < fragments; f++) {
                byte[] part = Arrays.copyOfRange(payload, payload.length * f / fragments, payload.length * (f + 1) / fragments);
                all.writeBytes(ws.encode(RawWebSocket.FrameSpec.of(f == 0 ? message.opcode() : CONTINUATION, part)
                        .fin(f == fragments - 1)));
            }
        }
        return all.toByteArray();
    }

    /** A whole message (its fragments joined) or a close (its payload as sent). */
    private record Received(int opcode, byte[] payload) {

        int closeCode() {
            return payload.length < 2 ? -1 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }

        String describeClose() {
            return payload.length < 2 ? "an empty close"
                    : "close " + closeCode() + " '" + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) + "'";
        }

        @Override
        public String toString() {
            return "opcode 0x" + Integer.toHexString(opcode) + ", " + payload.length + " bytes";
        }
    }

    /** The next message or close, answering pings and skipping pongs, also between fragments. */
    private static Received nextMessage(RawWebSocket ws, Pongs pongs) throws IOException {
        ByteArrayOutputStream fragments = null;
        int opcode = -1;
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == PING) {
                pongs.pinged(frame.payload());
            } else if (frame.opcode() == CLOSE) {
                return new Received(CLOSE, frame.payload());
            } else if (frame.opcode() != PONG) {
                assertEquals(fragments == null, frame.opcode() != CONTINUATION,
                        () -> "a continuation must follow, and only follow, an unfinished message: " + frame);
                if (fragments == null) {
                    fragments = new ByteArrayOutputStream();
                    opcode = frame.opcode();
                }
                fragments.writeBytes(frame.payload());
                if (frame.fin()) {
                    return new Received(opcode, fragments.toByteArray());
                }
            }
        }
    }

    /**
     * Answers the server's pings, as its heartbeat wants, without writing into the middle of the
     * messages: a pong waits until the one write of the messages is done.
     */
    private static final class Pongs {
        private final RawWebSocket ws;
        private final Future<?> written;
        private byte[] unanswered;

        Pongs(RawWebSocket ws, Future<?> written) {
            this.ws = ws;
            this.written = written;
        }

        void pinged(byte[] payload) throws IOException {
            unanswered = payload;
            if (written.isDone()) {
                answer();
            }
        }

        void answer() throws IOException {
            if (unanswered != null) {
                ws.sendFrame(true, PONG, unanswered);
                unanswered = null;
            }
        }
    }

    private static void assertEcho(Received echo, Message sent, int index) {
        assertEquals(sent.opcode(), echo.opcode(), () -> "type of echo " + index + ": " + echo);
        assertEquals(sent.payload().length, echo.payload().length, () -> "length of echo " + index);
        assertArrayEquals(sent.payload(), echo.payload(), () -> "payload of echo " + index);
    }

    private static void awaitWrite(Future<?> written) throws IOException {
        try {
            written.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("writing the messages failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException("every echo came back, yet the write did not complete", e);
        }
    }
}
