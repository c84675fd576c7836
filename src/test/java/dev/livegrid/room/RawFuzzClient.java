package dev.livegrid.room;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.support.FrameFuzz;
import dev.livegrid.support.RawWebSocket;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.livegrid.support.RawWebSocket.BINARY;
import static dev.livegrid.support.RawWebSocket.CLOSE;
import static dev.livegrid.support.RawWebSocket.CONTINUATION;
import static dev.livegrid.support.RawWebSocket.PING;
import static dev.livegrid.support.RawWebSocket.PONG;
import static dev.livegrid.support.RawWebSocket.TEXT;

/**
 * A client on a plain socket for the frames the JDK's WebSocket will not send: each connection sends
 * some refused messages (malformed text and binary, whole or in fragments with pings between them) and
 * checks each one's {@code error}, and each ping's pong; then it ends the connection with a protocol
 * violation and checks the documented close code (docs/PROTOCOL.md §2: 1002, 1007, 1009), or with the
 * 50th refusal in a row (1008), a normal close (1000), or by dropping the socket.
 */
final class RawFuzzClient {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String BINARY_PROBLEM = "binary frames are not messages here; send JSON text frames";
    /** Byte sequences that are not UTF-8: overlong, a surrogate, past U+10FFFF, a stray continuation, a cut sequence. */
    private static final byte[][] NOT_UTF8 = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF5},
            {(byte) 0xE2, (byte) 0x82, 0x41}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}};

    private final String name;
    private final URI server;
    private final String path;
    private final Random random;
    private final FrameFuzz fuzz;
    private final int maxMessageSize;

    int frames;
    int connections;
    int errorsMatched;
    int pongsMatched;
    /** Endings by kind, and the close codes they got. */
    final Map<String, Integer> endings = new TreeMap<>();
    final Map<Integer, Integer> closes = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    RawFuzzClient(String name, URI server, String path, Random random, FrameFuzz fuzz, int maxMessageSize) {
        this.name = name;
        this.server = server;
        this.path = path;
        this.random = random;
        this.fuzz = fuzz;
        this.maxMessageSize = maxMessageSize;
    }

    void run(int quota, long deadline) throws IOException {
        while (frames < quota && System.nanoTime() < deadline && problems.isEmpty()) {
            RawWebSocket ws = null;
            try {
                ws = RawWebSocket.open(server, path, PATIENCE);
                connections++;
                connection(ws);
            } catch (IOException | AssertionError e) {
                problem("connection " + connections + " failed: " + e + closeSeen(ws));
            } finally {
                if (ws != null) {
                    ws.close();
                }
            }
        }
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    private void connection(RawWebSocket ws) throws IOException {
        awaitText(ws, "welcome");
        int dice = random.nextInt(100);
        int refusals = random.nextInt(dice < 5 ? Member.MAX_STRIKES : 20);
        for (int i = 0; i < refusals; i++) {
            refuse(ws);
        }
        if (dice < 5) {
            for (int i = refusals; i < Member.MAX_STRIKES; i++) {
                refuse(ws); // the 50th refusal in a row
            }
            expectClose(ws, "50 refusals", 1008, true);
        } else if (dice < 10) {
            frames++;
            ws.sendClose(1000, "done".getBytes(StandardCharsets.UTF_8));
            expectClose(ws, "normal close", 1000, false);
        } else if (dice < 13) {
            endings.merge("dropped", 1, Integer::sum); // the server must notice by itself
        } else {
            violate(ws);
        }
    }

    // ---- refusals: answered with an error, the connection kept ----

    private void refuse(RawWebSocket ws) throws IOException {
        Deque<byte[]> pings = new ArrayDeque<>();
        String problem;
        if (random.nextInt(6) == 0) {
            byte[] data = new byte[random.nextInt(3000)];
            random.nextBytes(data);
            sendMessage(ws, BINARY, data, pings);
            problem = BINARY_PROBLEM;
        } else {
            String text;
            ClientMessage decoded;
            do {
                text = random.nextBoolean() ? fuzz.mutated() : random.nextBoolean() ? fuzz.garbage() : fuzz.randomJson();
                decoded = Codec.decode(text);
            } while (!(decoded instanceof ClientMessage.Malformed)
                    || text.getBytes(StandardCharsets.UTF_8).length > maxMessageSize);
            sendMessage(ws, TEXT, text.getBytes(StandardCharsets.UTF_8), pings);
            problem = ((ClientMessage.Malformed) decoded).problem();
        }
        awaitError(ws, problem, pings);
    }

    /**
     * The message whole or in fragments cut at any byte (a UTF-8 sequence too), with pings between them.
     * A message that breaks the rules is written tolerantly: the server may fail the connection before
     * its last fragment.
     */
    private void sendMessage(RawWebSocket ws, int opcode, byte[] payload, Deque<byte[]> pings) throws IOException {
        sendMessage(ws, opcode, payload, pings, false);
    }

    private void sendMessage(RawWebSocket ws, int opcode, byte[] payload, Deque<byte[]> pings, boolean violating)
            throws IOException {
        int pieces = random.nextInt(3) == 0 ? 2 + random.nextInt(4) : 1;
        int[] cuts = random.ints(pieces - 1, 0, payload.length + 1).sorted().toArray();
        int from = 0;
        for (int i = 0; i < pieces; i++) {
            int to = i < pieces - 1 ? cuts[i] : payload.length;
            frames++;
            write(ws, RawWebSocket.FrameSpec.of(i == 0 ? opcode : CONTINUATION, Arrays.copyOfRange(payload, from, to))
                    .fin(i == pieces - 1), violating);
            from = to;
            if (i < pieces - 1 && random.nextBoolean()) {
                byte[] ping = new byte[random.nextInt(126)];
                random.nextBytes(ping);
                pings.addLast(ping);
                frames++;
                write(ws, RawWebSocket.FrameSpec.of(PING, ping), violating);
            }
        }
    }

    private static void write(RawWebSocket ws, RawWebSocket.FrameSpec frame, boolean tolerantly) throws IOException {
        if (tolerantly) {
            ws.writeRawTolerantly(ws.encode(frame));
        } else {
            ws.send(frame);
        }
    }

    // ---- violations: a close with the documented code ----

    private void violate(RawWebSocket ws) throws IOException {
        int kind = random.nextInt(15);
        byte[] text = fuzz.validMessage().text().getBytes(StandardCharsets.UTF_8);
        frames++;
        switch (kind) {
            case 0 -> violation(ws, "unmasked", RawWebSocket.FrameSpec.of(TEXT, text).unmasked(), 1002);
            case 1 -> violation(ws, "reserved bit", RawWebSocket.FrameSpec.of(TEXT, text).rsv(1 + random.nextInt(7)), 1002);
            case 2 -> {
                int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
                violation(ws, "reserved opcode", RawWebSocket.FrameSpec.of(reserved[random.nextInt(10)], text), 1002);
            }
            case 3 -> violation(ws, "ping over 125 bytes", RawWebSocket.FrameSpec.of(PING, new byte[126 + random.nextInt(200)]), 1002);
            case 4 -> violation(ws, "fragmented ping", RawWebSocket.FrameSpec.of(PING, new byte[3]).fin(false), 1002);
            case 5 -> violation(ws, "continuation without a message", RawWebSocket.FrameSpec.of(CONTINUATION, text), 1002);
            case 6 -> {
                ws.sendFrame(false, TEXT, Arrays.copyOf(text, text.length / 2));
                frames++;
                violation(ws, "text inside a fragmented message", RawWebSocket.FrameSpec.of(TEXT, text), 1002);
            }
            case 7 -> {
                byte[] header = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xFF)
                        .putLong(Long.MIN_VALUE | random.nextInt(1000)).putInt(random.nextInt()).array();
                ws.writeRawTolerantly(header);
                expectClose(ws, "64-bit length with its top bit set", 1002, false);
            }
            case 8 -> violation(ws, "close of 1 byte", RawWebSocket.FrameSpec.of(CLOSE, new byte[]{3}), 1002);
            case 9 -> {
                int[] forbidden = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};
                byte[] close = RawWebSocket.closePayload(forbidden[random.nextInt(forbidden.length)], new byte[0]);
                violation(ws, "close code that may not be sent", RawWebSocket.FrameSpec.of(CLOSE, close), 1002);
            }
            case 10, 11 -> {
                byte[] bad = withInvalidUtf8(text);
                Deque<byte[]> pings = new ArrayDeque<>();
                sendMessage(ws, TEXT, bad, pings, true);
                frames--; // sendMessage counted the frames
                expectClose(ws, "text that is not UTF-8", 1007, false);
            }
            case 12 -> {
                byte[] reason = NOT_UTF8[random.nextInt(NOT_UTF8.length)];
                violation(ws, "close reason that is not UTF-8",
                        RawWebSocket.FrameSpec.of(CLOSE, RawWebSocket.closePayload(1000, reason)), 1007);
            }
            case 13 -> violation(ws, "message over the limit (header)",
                    RawWebSocket.FrameSpec.of(random.nextBoolean() ? TEXT : BINARY, new byte[0])
                            .declaredLength(maxMessageSize + 1 + random.nextInt(1 << 20)), 1009);
            default -> {
                ws.sendFrame(false, BINARY, new byte[100]);
                frames++;
                violation(ws, "fragments summing over the limit",
                        RawWebSocket.FrameSpec.of(CONTINUATION, new byte[0]).declaredLength(maxMessageSize - 99), 1009);
            }
        }
    }

    private byte[] withInvalidUtf8(byte[] text) {
        byte[] bad = NOT_UTF8[random.nextInt(NOT_UTF8.length)];
        int at = random.nextInt(text.length + 1);
        while (at > 0 && at < text.length && (text[at] & 0xC0) == 0x80) {
            at--; // at the start of a character, so the bytes before it are valid
        }
        return ByteBuffer.allocate(text.length + bad.length).put(text, 0, at).put(bad).put(text, at, text.length - at)
                .array();
    }

    private void violation(RawWebSocket ws, String what, RawWebSocket.FrameSpec frame, int code) throws IOException {
        ws.writeRawTolerantly(ws.encode(frame));
        expectClose(ws, what, code, false);
    }

    // ---- reading ----

    /**
     * Reads up to the close frame (skipping broadcasts), checks its code, answers it when the server
     * started the closing handshake and waits for the client's close ({@code answer}), and checks that
     * the server then ends the TCP connection.
     */
    private void expectClose(RawWebSocket ws, String what, int code, boolean answer) throws IOException {
        endings.merge(what, 1, Integer::sum);
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == CLOSE) {
                byte[] p = frame.payload();
                int got = p.length >= 2 ? (p[0] & 0xFF) << 8 | (p[1] & 0xFF) : -1;
                closes.merge(got, 1, Integer::sum);
                if (got != code) {
                    problem(what + ": closed with " + got + ", expected " + code);
                }
                if (answer) {
                    frames++;
                    ws.writeRawTolerantly(ws.encode(RawWebSocket.FrameSpec.of(CLOSE, Arrays.copyOf(p, 2))));
                }
                expectEnd(ws, what);
                return;
            }
        }
    }

    /** Why a connection broke: the close frame the server sent, if one can still be read. */
    private static String closeSeen(RawWebSocket ws) {
        try {
            while (ws != null) {
                RawWebSocket.Frame frame = ws.readFrame();
                if (frame.opcode() == CLOSE) {
                    return "; the server had closed it: " + frame;
                }
            }
        } catch (IOException | AssertionError e) {
            // nothing more to read
        }
        return "; no close frame from the server";
    }

    /** After its close frame the server sends nothing more (RFC 6455 §5.5.1) and ends the connection. */
    private void expectEnd(RawWebSocket ws, String what) {
        List<String> after = new ArrayList<>();
        try {
            while (true) {
                RawWebSocket.Frame frame = ws.readFrame();
                if (frame.opcode() != PING) {
                    after.add(frame.toString());
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            // the end: EOF or reset
        } catch (IOException e) {
            problem(what + ": the server kept the TCP connection after its close (" + e + ")");
        }
        if (!after.isEmpty()) {
            problem(what + ": the server sent " + after.size() + " frames after its close frame: " + after.get(0));
        }
    }

    private void awaitError(RawWebSocket ws, String expected, Deque<byte[]> pings) throws IOException {
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            switch (frame.opcode()) {
                case PONG -> {
                    byte[] ping = pings.pollFirst();
                    if (ping == null || !Arrays.equals(ping, frame.payload())) {
                        problem("a pong that answers no ping sent");
                    } else {
                        pongsMatched++;
                    }
                }
                case TEXT -> {
                    if (frame.text().startsWith("{\"type\":\"error\"")) { // else another client's update, presence
                        JsonObject m = parse(frame.text());
                        if (!FuzzClient.withoutPosition(expected).equals(FuzzClient.withoutPosition(m.getString("message")))
                                || !"bad-message".equals(m.getString("code"))) {
                            problem("error " + m + " where the frame sent called for '" + expected + "'");
                        } else if (!pings.isEmpty()) {
                            problem("the error came before the pongs of " + pings.size() + " pings sent before it");
                        } else {
                            errorsMatched++;
                        }
                        return;
                    }
                }
                case CLOSE -> throw new IOException("closed while awaiting an error: " + frame);
                case PING -> {
                    // a heartbeat; the connection is short-lived
                }
                default -> problem("unexpected frame " + frame);
            }
        }
    }

    private void awaitText(RawWebSocket ws, String type) throws IOException {
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == TEXT && frame.text().startsWith("{\"type\":\"" + type + "\"")) {
                return;
            }
        }
    }

    private static JsonObject parse(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private void problem(String what) {
        if (problems.size() < 20) {
            problems.add(name + ": " + what);
        }
    }
}
