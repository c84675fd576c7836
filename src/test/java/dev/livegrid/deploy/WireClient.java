package dev.livegrid.deploy;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A client on a plain socket to 127.0.0.1 that writes exactly the bytes a test asks for (requests,
 * frames that break RFC 6455) and describes what the server does about them, for the deployment
 * suite's edge cases. Every read gives up after a short time, so a silent server is an outcome,
 * not a hang.
 */
final class WireClient implements Closeable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** How long the client waits for the server's next move before calling it silence. */
    static final Duration PATIENCE = Duration.ofSeconds(3);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    /** Fixed seed: a rerun sends the same mask keys. */
    private final Random random = new Random(6455);

    private WireClient(Socket socket, String host) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.host = host;
    }

    /** A TCP connection to the host and port of {@code uri} (127.0.0.1 in the suite), nothing sent yet. */
    static WireClient connect(URI uri) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) PATIENCE.toMillis());
        socket.setSoTimeout((int) PATIENCE.toMillis());
        socket.setTcpNoDelay(true);
        return new WireClient(socket, uri.getHost() + ":" + uri.getPort());
    }

    /** A connection upgraded to a WebSocket on {@code path} (e.g. /livegrid/echo); fails unless the answer is 101. */
    static WireClient open(URI base, String path) throws IOException {
        WireClient client = connect(base);
        Answer answer = client.exchange(client.upgrade(path));
        if (answer.status() != 101) {
            client.close();
            throw new AssertionError("the upgrade of " + path + " was refused: " + answer);
        }
        return client;
    }

    /** A valid opening handshake (RFC 6455 §4.1) for the path, without Origin, ending in the blank line. */
    String upgrade(String path) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
    }

    // ---- HTTP ----

    /** An HTTP response as read from the wire; header names lower-cased, the body decoded as UTF-8. */
    record Answer(int status, Map<String, List<String>> headers, String body) {

        /** The header's values joined with commas, or null. */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(",", values);
        }

        boolean hasToken(String name, String token) {
            String value = header(name);
            if (value != null) {
                for (String item : value.split(",")) {
                    if (item.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return status + " " + headers + " '" + body.strip() + "'";
        }
    }

    /** Sends the request text as it is and reads the answer. */
    Answer exchange(String request) throws IOException {
        write(request.getBytes(StandardCharsets.ISO_8859_1));
        return readAnswer();
    }

    /** The status line and headers, then the body (Content-Length, chunked, or up to EOF); a 101 has none. */
    Answer readAnswer() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new AssertionError("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT),
                    n -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        Answer head = new Answer(status, headers, "");
        byte[] body = new byte[0];
        if (status != 101 && status != 304 && status != 204) {
            if (head.header("Content-Length") != null) {
                body = readExactly(Integer.parseInt(head.header("Content-Length").trim()));
            } else if (head.hasToken("Transfer-Encoding", "chunked")) {
                body = readChunked();
            } else if (head.hasToken("Connection", "close")) {
                body = in.readAllBytes();
            }
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server ends the connection within {@link #PATIENCE}: EOF or reset, not another byte, not silence. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
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
        for (int b = readByte(); b != '\n'; b = readByte()) {
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    // ---- frames ----

    /** A client frame: FIN, the RSV bits (0–7, RSV1 is 4), opcode, masked or not, payload. */
    byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
        frame.put((byte) ((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xF)));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            frame.put((byte) (maskBit | payload.length));
        } else if (payload.length <= 0xFFFF) {
            frame.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] data = payload.clone();
        if (masked) {
            byte[] key = new byte[4];
            random.nextBytes(key);
            frame.put(key);
            for (int i = 0; i < data.length; i++) {
                data[i] ^= key[i & 3];
            }
        }
        frame.put(data).flip();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** Only the header (with a mask key) of a masked frame declaring a payload of {@code length} bytes. */
    byte[] header(int opcode, long length) {
        byte[] key = new byte[4];
        random.nextBytes(key);
        return ByteBuffer.allocate(14).put((byte) (0x80 | opcode)).put((byte) (0x80 | 127)).putLong(length).put(key).array();
    }

    /** A masked frame. */
    byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame(fin, 0, opcode, true, payload);
    }

    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    }

    /** Writes and flushes the bytes. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes bytes the server may stop reading half-way: a reset while writing is left for {@link #outcome()} to see. */
    void writeTolerantly(byte[] bytes) {
        try {
            write(bytes);
        } catch (IOException e) {
            // The server failed the connection before taking all of it.
        }
    }

    /**
     * What the server does next, skipping its heartbeat pings, in words the suite compares:
     * <ul>
     *   <li>{@code close 1002}: a close frame with that code, then the TCP connection ends (EOF or reset)
     *       without the client having to answer;</li>
     *   <li>{@code close 1002, TCP closed after the client's close}: the server waits for the closing
     *       handshake before ending the connection; {@code close 1002, TCP left open}: not even then;</li>
     *   <li>{@code close (empty)}: a close frame without a code;</li>
     *   <li>{@code EOF without close frame}, {@code reset without close frame}: the connection just ends;</li>
     *   <li>{@code TEXT 'hello'}, {@code BINARY 70000 bytes}, {@code PONG 126 bytes}: the server answered
     *       with a frame and kept the connection;</li>
     *   <li>{@code silence}: nothing but pings within {@link #PATIENCE}.</li>
     * </ul>
     */
    String outcome() throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
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
            socket.setSoTimeout((int) PATIENCE.toMillis());
            int b1 = readByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = readByte() << 8 | readByte();
            } else if (length == 127) {
                length = ByteBuffer.wrap(readExactly(8)).getLong();
            }
            byte[] payload = readExactly((int) length);
            int opcode = b0 & 0x0F;
            switch (opcode) {
                case PING -> {
                    continue;
                }
                case CLOSE -> {
                    return describeClose(payload);
                }
                case TEXT -> {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    return payload.length <= 40 ? "TEXT '" + text + "'" : "TEXT " + payload.length + " bytes";
                }
                default -> {
                    String name = opcode == BINARY ? "BINARY" : opcode == PONG ? "PONG"
                            : opcode == CONTINUATION ? "CONTINUATION" : "opcode 0x" + Integer.toHexString(opcode);
                    return name + " " + payload.length + " bytes";
                }
            }
        }
    }

    private String describeClose(byte[] payload) throws IOException {
        String close = payload.length >= 2 ? "close " + ((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)) : "close (empty)";
        if (endsAfterFrames()) {
            return close;
        }
        writeTolerantly(frame(true, CLOSE, closePayload(1000, "")));
        return close + (endsAfterFrames() ? ", TCP closed after the client's close" : ", TCP left open");
    }

    /** Reads (and drops) frames until EOF or reset: true; or until {@link #PATIENCE} runs out: false. */
    private boolean endsAfterFrames() throws IOException {
        byte[] chunk = new byte[4096];
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try {
            for (long left = PATIENCE.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
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

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("the server closed the connection after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
