package dev.livegrid.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client WebSocket of the load generator, driven by its {@link WsLoop}: the handshake, the
 * server's frames read in place from one growing buffer, pings answered, masked frames written
 * through a queue that only grows while TCP pushes back. Owned by the loop's thread.
 */
final class WsConnection {

    private static final int MAX_MESSAGE = 64 << 20;

    final int id;
    final String path;
    /** The server's port (a loop's connections may go to several servers). */
    final int port;
    final WsListener listener;
    /** The mode's own per-connection state. */
    Object attachment;

    private final String key = Base64.getEncoder().encodeToString(randomBytes(16));
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private ByteBuffer in = ByteBuffer.allocate(4096);
    private SocketChannel channel;
    private SelectionKey selectionKey;
    private boolean open;
    private boolean ended;
    private boolean writeWaited;
    private byte[] fragments;
    private int fragmentLength;
    private int maskKey = ThreadLocalRandom.current().nextInt() | 1;

    WsConnection(int id, String path, int port, WsListener listener, Object attachment) {
        this.id = id;
        this.path = path;
        this.port = port;
        this.listener = listener;
        this.attachment = attachment;
    }

    boolean isOpen() {
        return open && !ended;
    }

    /** The handshake succeeded at some point (the connection may have ended since). */
    boolean wasOpened() {
        return open;
    }

    /** Bytes waiting in this client for TCP to take them. */
    boolean hasQueuedOutput() {
        return !out.isEmpty();
    }

    void attach(SocketChannel channel, SelectionKey selectionKey) {
        this.channel = channel;
        this.selectionKey = selectionKey;
    }

    void connected(String host) throws IOException {
        channel.finishConnect();
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        selectionKey.interestOps(SelectionKey.OP_READ);
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    void sendText(String text) {
        if (isOpen()) {
            write(WsFrames.text(text, nextMask()));
        }
    }

    void sendText(byte[] utf8) {
        if (isOpen()) {
            write(WsFrames.frame(WsFrames.TEXT, utf8, nextMask()));
        }
    }

    /** Sends a close frame (1000) and ends the connection without waiting for the server's. */
    void close() {
        if (ended) {
            return;
        }
        if (open) {
            write(WsFrames.frame(WsFrames.CLOSE, new byte[] {0x03, (byte) 0xE8}, nextMask()));
        }
        end(1000);
    }

    void onReadable() {
        try {
            int read;
            do {
                if (!in.hasRemaining()) {
                    grow();
                }
                read = channel.read(in);
                if (read > 0) {
                    in.flip();
                    if (!open) {
                        readHandshake();
                    }
                    if (open) {
                        readFrames();
                    }
                    if (ended) {
                        return;
                    }
                    in.compact();
                }
            } while (read > 0 && !in.hasRemaining());
            if (read < 0) {
                end(1006);
            }
        } catch (IOException e) {
            end(1006);
        }
    }

    void onWritable() {
        try {
            while (!out.isEmpty()) {
                ByteBuffer head = out.peek();
                channel.write(head);
                if (head.hasRemaining()) {
                    return;
                }
                out.poll();
            }
            selectionKey.interestOps(SelectionKey.OP_READ);
            if (writeWaited && open) {
                writeWaited = false;
                listener.onWritable(this);
            }
        } catch (IOException e) {
            end(1006);
        }
    }

    void failConnect() {
        end(0);
    }

    private void write(ByteBuffer frame) {
        if (ended) {
            return;
        }
        if (out.isEmpty()) {
            try {
                channel.write(frame);
            } catch (IOException e) {
                end(1006);
                return;
            }
            if (!frame.hasRemaining()) {
                return;
            }
            selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            writeWaited = true;
        }
        out.add(frame);
    }

    private void readHandshake() {
        int end = indexOfHeaderEnd();
        if (end < 0) {
            if (in.remaining() > 16384) {
                end(0);
            }
            return;
        }
        byte[] head = new byte[end];
        in.get(head);
        String response = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = response.split("\r\n");
        int status = statusOf(lines[0]);
        if (status != 101) {
            end(-status);
            return;
        }
        String expected = WsFrames.acceptFor(key);
        boolean accepted = false;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                accepted = line.substring(colon + 1).trim().equals(expected);
            }
        }
        if (!accepted) {
            end(0);
            return;
        }
        open = true;
        listener.onOpen(this);
    }

    private int indexOfHeaderEnd() {
        int p = in.position();
        for (int i = p; i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                return i + 4 - p;
            }
        }
        return -1;
    }

    private static int statusOf(String statusLine) {
        String[] parts = statusLine.split(" ");
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void readFrames() {
        while (!ended) {
            WsFrames.Header header = WsFrames.header(in);
            if (header == null) {
                return;
            }
            if (header.masked() || header.payloadLength() > MAX_MESSAGE) {
                end(1002);
                return;
            }
            int total = header.size() + (int) header.payloadLength();
            if (in.remaining() < total) {
                if (in.capacity() < total) {
                    in = ByteBuffer.allocate(Integer.highestOneBit(total) << 1).put(in).flip();
                }
                return;
            }
            int start = in.position() + header.size();
            int length = (int) header.payloadLength();
            in.position(in.position() + total);
            onFrame(header, in.array(), start, length);
        }
    }

    private void onFrame(WsFrames.Header header, byte[] data, int start, int length) {
        switch (header.opcode()) {
            case WsFrames.TEXT, WsFrames.BINARY -> {
                if (header.fin()) {
                    listener.onMessage(this, data, start, length);
                } else {
                    fragmentLength = 0;
                    appendFragment(data, start, length);
                }
            }
            case WsFrames.CONTINUATION -> {
                appendFragment(data, start, length);
                if (header.fin()) {
                    listener.onMessage(this, fragments, 0, fragmentLength);
                    fragmentLength = 0;
                }
            }
            case WsFrames.PING -> {
                listener.onPing(this);
                byte[] payload = new byte[length];
                System.arraycopy(data, start, payload, 0, length);
                write(WsFrames.frame(WsFrames.PONG, payload, nextMask()));
            }
            case WsFrames.CLOSE -> {
                int code = length >= 2 ? ((data[start] & 0xFF) << 8) | (data[start + 1] & 0xFF) : 1005;
                write(WsFrames.frame(WsFrames.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code}, nextMask()));
                end(code);
            }
            default -> {
                // pong: nothing to do
            }
        }
    }

    private void appendFragment(byte[] data, int start, int length) {
        if (fragments == null || fragments.length < fragmentLength + length) {
            byte[] bigger = new byte[Math.max(4096, Integer.highestOneBit(fragmentLength + length) << 1)];
            if (fragments != null) {
                System.arraycopy(fragments, 0, bigger, 0, fragmentLength);
            }
            fragments = bigger;
        }
        System.arraycopy(data, start, fragments, fragmentLength, length);
        fragmentLength += length;
    }

    private void grow() {
        in.flip();
        in = ByteBuffer.allocate(in.capacity() * 2).put(in);
    }

    private void end(int code) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            // What is still queued gets one last chance (a close frame, usually); then TCP ends.
            while (!out.isEmpty() && channel.write(out.peek()) > 0 && !out.peek().hasRemaining()) {
                out.poll();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is ending anyway
        }
        out.clear();
        try {
            if (selectionKey != null) {
                selectionKey.cancel();
            }
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that already failed
        }
        listener.onClose(this, code);
    }

    private int nextMask() {
        maskKey ^= maskKey << 13;
        maskKey ^= maskKey >>> 17;
        maskKey ^= maskKey << 5;
        return maskKey;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
