package dev.livegrid.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A WebSocket and HTTP/1.1 client on a plain {@link Socket} that writes exactly the bytes a test asks
 * for (requests, frames that break RFC 6455) and reads what the server sends back: the conformance
 * tests check it with assertions ({@link #readFrame()}, {@link #readClose()}, {@link #expectEof()}),
 * the deployment suite describes it in words ({@link #outcome()}, {@link #closedByServer()}). Every
 * read gives up after the connection's timeout, so a silent server fails a test or is an outcome,
 * never a hang.
 */
public final class RawWebSocket implements Closeable {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    public static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The timeout of {@link #connect(int)}: a read gives up after this long, so that a silent server fails a test instead of hanging it. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** host:port, for the Host header of {@link #defaultRequest(String)}. */
    private final String authority;
    /** How long a read waits for the server's next byte (and {@link #outcome()} for its next move). */
    private final Duration timeout;
    /** Fixed seed: a failing run sends the same mask keys again. */
    private final Random random = new Random(6455);

    private RawWebSocket(Socket socket, String authority, Duration timeout) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.authority = authority;
        this.timeout = timeout;
    }

    /** A TCP connection to 127.0.0.1:port with {@link #READ_TIMEOUT}, nothing sent yet. */
    public static RawWebSocket connect(int port) throws IOException {
        return connect("127.0.0.1", port, READ_TIMEOUT);
    }

    /** A TCP connection to the host and port of {@code server} (e.g. {@code http://127.0.0.1:8080/app/}), nothing sent yet. */
    public static RawWebSocket connect(URI server, Duration timeout) throws IOException {
        return connect(server.getHost(), server.getPort(), timeout);
    }

    /**
     * A TCP connection to 127.0.0.1:port from the local address {@code from}, e.g. {@code 127.0.0.2} (Linux
     * answers every address of 127.0.0.0/8): a second client address for per-address limits.
     */
    public static RawWebSocket connectFrom(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        return connected(socket, "127.0.0.1", port, READ_TIMEOUT);
    }

    /**
     * A connection upgraded for {@code path} whose socket takes at most about {@code receiveBuffer}
     * bytes that this client has not read (no autotuning): the server's writes back up soon.
     */
    public static RawWebSocket openWithReceiveBuffer(int port, String path, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        return upgrade(connected(socket, "127.0.0.1", port, READ_TIMEOUT), path);
    }

    private static RawWebSocket connect(String host, int port, Duration timeout) throws IOException {
        return connected(new Socket(), host, port, timeout);
    }

    private static RawWebSocket connected(Socket socket, String host, int port, Duration timeout) throws IOException {
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        socket.setTcpNoDelay(true);
        return new RawWebSocket(socket, host + ":" + port, timeout);
    }

    /** A connection to 127.0.0.1:port upgraded with the default handshake for {@code path}; fails the test unless the answer is 101. */
    public static RawWebSocket open(int port, String path) throws IOException {
        return upgrade(connect(port), path);
    }

    /**
     * A connection upgraded with the default handshake for {@code relative} below the application root
     * {@code server} (e.g. {@code echo} under {@code http://127.0.0.1:8080/livegrid/}); fails unless the answer is 101.
     */
    public static RawWebSocket open(URI server, String relative, Duration timeout) throws IOException {
        return upgrade(connect(server, timeout), server.getRawPath() + relative);
    }

    private static RawWebSocket upgrade(RawWebSocket ws, String path) throws IOException {
        HttpResponse response = ws.exchange(ws.defaultRequest(path));
        if (response.status() != 101) {
            ws.close();
        }
        assertEquals(101, response.status(), () -> "handshake for " + path + " refused: " + response);
        return ws;
    }

    /** A valid opening handshake (RFC 6455 §4.1) for 127.0.0.1:port without Origin, ending in the blank line. */
    public static String defaultRequest(int port, String path, String key) {
        return defaultRequest("127.0.0.1:" + port, path, key);
    }

    /** {@link #defaultRequest(int, String, String)} for this connection's host and port, with a random key. */
    public String defaultRequest(String path) {
        return defaultRequest(authority, path, randomKey());
    }

    private static String defaultRequest(String authority, String path, String key) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + authority + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
    }

    public static String randomKey() {
        byte[] nonce = new byte[16];
        new Random().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)), RFC 6455 §4.2.2. */
    public static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- HTTP ----

    /** Sends the request text as is (a handshake or any other request) and reads the response. */
    public HttpResponse exchange(String requestText) throws IOException {
        writeRaw(requestText.getBytes(StandardCharsets.ISO_8859_1));
        return readResponse();
    }

    /**
     * The status line and headers up to the blank line; then, unless the status is 101, 204 or 304, the
     * body: Content-Length bytes, chunked, or up to EOF when closing.
     */
    public HttpResponse readResponse() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        assertTrue(parts.length >= 2 && parts[0].startsWith("HTTP/1."), () -> "not an HTTP status line: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String read = readLine(); !read.isEmpty(); read = readLine()) {
            String line = read;
            int colon = line.indexOf(':');
            assertTrue(colon > 0, () -> "malformed header line: " + line);
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        HttpResponse head = new HttpResponse(status, statusLine, headers, "");
        if (status == 101 || status == 204 || status == 304) {
            return head;
        }
        byte[] body;
        String length = head.header("Content-Length");
        if (length != null) {
            body = readExactly(Integer.parseInt(length.trim()));
        } else if (head.hasToken("Transfer-Encoding", "chunked")) {
            body = readChunked();
        } else if (head.hasToken("Connection", "close")) {
            body = readToEof();
        } else {
            body = new byte[0];
        }
        return new HttpResponse(status, statusLine, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** An HTTP response as read from the wire; header names are lower-cased, the body decoded as UTF-8. */
    public record HttpResponse(int status, String statusLine, Map<String, List<String>> headers, String body) {

        /** The header's values joined with commas, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(",", values);
        }

        /** Whether a comma-separated header holds the token, ignoring case. */
        public boolean hasToken(String name, String token) {
            String value = header(name);
            if (value == null) {
                return false;
            }
            for (String item : value.split(",")) {
                if (item.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " '" + body.strip() + "'";
        }
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine();
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(readExactly(length));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = readByte();
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    // ---- writing frames ----

    /** Everything about one client frame, including the lies a test may want to tell. */
    public static final class FrameSpec {
        boolean fin = true;
        int rsv;
        int opcode;
        boolean masked = true;
        byte[] maskKey;
        byte[] payload = new byte[0];
        /** The payload length written in the header; null for the true length. */
        Long declaredLength;

        public static FrameSpec of(int opcode, byte[] payload) {
            FrameSpec spec = new FrameSpec();
            spec.opcode = opcode;
            spec.payload = payload;
            return spec;
        }

        public FrameSpec fin(boolean value) {
            fin = value;
            return this;
        }

        /** The three RSV bits as a number from 0 to 7 (RSV1 is 4). */
        public FrameSpec rsv(int bits) {
            rsv = bits;
            return this;
        }

        public FrameSpec unmasked() {
            masked = false;
            return this;
        }

        public FrameSpec maskKey(byte[] key) {
            maskKey = key.clone();
            return this;
        }

        /** Writes this length in the header whatever the payload: with an empty payload, a header alone. */
        public FrameSpec declaredLength(long length) {
            declaredLength = length;
            return this;
        }
    }

    /** The bytes of a frame: header, mask key and (masked) payload. */
    public byte[] encode(FrameSpec spec) {
        long length = spec.declaredLength != null ? spec.declaredLength : spec.payload.length;
        int form = length <= 125 ? 7 : length <= 0xFFFF ? 16 : 64;
        ByteBuffer frame = ByteBuffer.allocate(14 + spec.payload.length);
        frame.put((byte) ((spec.fin ? 0x80 : 0) | (spec.rsv & 7) << 4 | (spec.opcode & 0xF)));
        int maskBit = spec.masked ? 0x80 : 0;
        switch (form) {
            case 7 -> frame.put((byte) (maskBit | length));
            case 16 -> frame.put((byte) (maskBit | 126)).putShort((short) length);
            case 64 -> frame.put((byte) (maskBit | 127)).putLong(length);
            default -> throw new IllegalArgumentException("length form " + form);
        }
        byte[] payload = spec.payload.clone();
        if (spec.masked) {
            byte[] key = spec.maskKey != null ? spec.maskKey : nextMaskKey();
            frame.put(key);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        frame.put(payload).flip();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    public void send(FrameSpec spec) throws IOException {
        writeRaw(encode(spec));
    }

    /** A masked frame with a fresh mask key. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        send(FrameSpec.of(opcode, payload).fin(fin));
    }

    public void sendText(String text) throws IOException {
        sendFrame(true, TEXT, utf8(text));
    }

    public void sendBinary(byte[] data) throws IOException {
        sendFrame(true, BINARY, data);
    }

    /** A masked close frame with the code (two bytes, big-endian) followed by the raw reason bytes. */
    public void sendClose(int code, byte[] reason) throws IOException {
        sendFrame(true, CLOSE, closePayload(code, reason));
    }

    public static byte[] closePayload(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    /** Writes and flushes the bytes as they are: a split frame is several calls of this. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Like {@link #writeRaw(byte[])} for bytes the server may stop reading half-way: a reset while
     * writing is ignored, and left for the reads that follow to see.
     */
    public void writeRawTolerantly(byte[] bytes) {
        try {
            writeRaw(bytes);
        } catch (IOException e) {
            // The server failed the connection before taking all of it.
        }
    }

    private byte[] nextMaskKey() {
        byte[] key = new byte[4];
        random.nextBytes(key);
        return key;
    }

    // ---- reading frames ----

    /**
     * One server frame.
     *
     * @param lengthForm 7, 16 or 64: how the header wrote the payload length
     */
    public record Frame(boolean fin, int rsv, int opcode, int lengthForm, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String shown = payload.length <= 64 ? "'" + text() + "'" : payload.length + " bytes";
            return "Frame[fin=" + fin + " rsv=" + rsv + " opcode=0x" + Integer.toHexString(opcode)
                    + " form=" + lengthForm + " payload=" + shown + "]";
        }
    }

    /** Reads the next frame; fails the test if it is masked (RFC 6455 §5.1: servers never mask). */
    public Frame readFrame() throws IOException {
        return readFrameAfter(readByte());
    }

    /** The rest of a frame whose first byte is {@code b0}. */
    private Frame readFrameAfter(int b0) throws IOException {
        int b1 = readByte();
        assertEquals(0, b1 & 0x80, "a server frame must not be masked (RFC 6455 §5.1)");
        int length7 = b1 & 0x7F;
        long length;
        int form;
        if (length7 == 126) {
            form = 16;
            length = readShort();
        } else if (length7 == 127) {
            form = 64;
            length = ByteBuffer.wrap(readExactly(8)).getLong();
            assertTrue(length >= 0, "64-bit length with its most significant bit set");
        } else {
            form = 7;
            length = length7;
        }
        assertTrue(length <= Integer.MAX_VALUE, () -> "frame too long for this client: " + length);
        byte[] payload = readExactly((int) length);
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, form, payload);
    }

    /** A close frame's content; code is -1 for an empty close payload. */
    public record CloseFrame(int code, String reason) {
    }

    /** Reads frames up to the close frame, skipping server pings and pongs; fails on a data frame. */
    public CloseFrame readClose() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == PING || frame.opcode() == PONG) {
                continue;
            }
            assertEquals(CLOSE, frame.opcode(), () -> "expected a close frame, got " + frame);
            assertTrue(frame.fin(), "a close frame must have FIN set");
            byte[] p = frame.payload();
            assertTrue(p.length != 1, "a close payload of 1 byte is invalid");
            if (p.length == 0) {
                return new CloseFrame(-1, "");
            }
            int code = (p[0] & 0xFF) << 8 | (p[1] & 0xFF);
            return new CloseFrame(code, new String(p, 2, p.length - 2, StandardCharsets.UTF_8));
        }
    }

    /** Asserts that the server closes the TCP connection: the next read is end of stream (no more bytes). */
    public void expectEof() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the TCP connection within " + timeout, e);
        }
        assertEquals(-1, b, "expected EOF, got another byte");
    }

    /**
     * Like {@link #expectEof()}, but a TCP reset also counts: a server that fails a connection while
     * unread client bytes are still in its receive buffer makes the kernel answer with RST, not FIN.
     */
    public void expectEofOrReset() throws IOException {
        try {
            expectEof();
        } catch (SocketException e) {
            // Connection reset: the connection is gone, which is what the test wanted to know.
        }
    }

    /** Whether the server ends the connection within the timeout: EOF or reset; not another byte, not silence. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    /**
     * What the server does next, skipping its heartbeat pings, in words a test can compare:
     * <ul>
     *   <li>{@code close 1002}: a close frame with that code, then the TCP connection ends (EOF or reset)
     *       without the client having to answer;</li>
     *   <li>{@code close 1002, TCP closed after the client's close}: the server waits for the closing
     *       handshake before ending the connection; {@code close 1002, TCP left open}: not even then;</li>
     *   <li>{@code close (empty)}: a close frame without a code;</li>
     *   <li>{@code EOF without close frame}, {@code reset without close frame}: the connection just ends;</li>
     *   <li>{@code TEXT 'hello'}, {@code BINARY 70000 bytes}, {@code PONG 126 bytes}: the server answered
     *       with a frame and kept the connection;</li>
     *   <li>{@code silence}: nothing but pings within the timeout.</li>
     * </ul>
     */
    public String outcome() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return "silence";
                }
                socket.setSoTimeout((int) left);
                int b0;
                try {
                    b0 = in.read();
                } catch (SocketTimeoutException e) {
                    return "silence";
                } catch (SocketException e) {
                    return "reset without close frame";
                }
                if (b0 < 0) {
                    return "EOF without close frame";
                }
                socket.setSoTimeout((int) timeout.toMillis());
                Frame frame = readFrameAfter(b0);
                byte[] payload = frame.payload();
                switch (frame.opcode()) {
                    case PING -> {
                        continue;
                    }
                    case CLOSE -> {
                        return describeClose(payload);
                    }
                    case TEXT -> {
                        return payload.length <= 40 ? "TEXT '" + frame.text() + "'" : "TEXT " + payload.length + " bytes";
                    }
                    default -> {
                        int opcode = frame.opcode();
                        String name = opcode == BINARY ? "BINARY" : opcode == PONG ? "PONG"
                                : opcode == CONTINUATION ? "CONTINUATION" : "opcode 0x" + Integer.toHexString(opcode);
                        return name + " " + payload.length + " bytes";
                    }
                }
            }
        } finally {
            socket.setSoTimeout((int) timeout.toMillis());
        }
    }

    private String describeClose(byte[] payload) throws IOException {
        String close = payload.length >= 2 ? "close " + ((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)) : "close (empty)";
        if (endsAfterFrames()) {
            return close;
        }
        writeRawTolerantly(encode(FrameSpec.of(CLOSE, closePayload(1000, new byte[0]))));
        return close + (endsAfterFrames() ? ", TCP closed after the client's close" : ", TCP left open");
    }

    /** Reads (and drops) frames until EOF or reset: true; or until the timeout runs out: false. */
    private boolean endsAfterFrames() throws IOException {
        byte[] chunk = new byte[4096];
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                socket.setSoTimeout((int) left);
                if (in.read(chunk) < 0) {
                    return true;
                }
                // e.g. a heartbeat ping after the close
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Everything the server sends until it closes the connection. */
    private byte[] readToEof() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            bytes.write(chunk, 0, n);
        }
        return bytes.toByteArray();
    }

    private int readShort() throws IOException {
        return readByte() << 8 | readByte();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("server closed the connection");
        }
        return b;
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("server closed the connection after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    /** Ends the connection abruptly, with a TCP reset (SO_LINGER 0) and no close frame, as a crashed client would. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
