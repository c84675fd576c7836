package dev.livegrid.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * The load generator's one thread: a selector over every client connection, timers, and the
 * connects it is asked for, at most {@code maxHandshakes} under way at once so that thousands of
 * connections do not overflow the server's accept queue. One thread on one pinned core keeps the
 * generator's cost visible (its CPU time is reported) and its listeners free of locks.
 */
final class WsLoop implements AutoCloseable {

    private final String host;
    private final int port;
    private final int maxHandshakes;
    private final Selector selector;
    private final ArrayDeque<WsConnection> toConnect = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private int handshaking;
    private int nextId;
    private long timerSeq;

    WsLoop(String host, int port, int maxHandshakes) {
        this.host = host;
        this.port = port;
        this.maxHandshakes = maxHandshakes;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Queues a connection to {@code path}; it opens when fewer than the limit are handshaking. */
    WsConnection connect(String path, WsListener listener, Object attachment) {
        return connect(path, listener, attachment, port);
    }

    /** Queues a connection to {@code path} on another {@code port} of the loop's host (another server of a cluster). */
    WsConnection connect(String path, WsListener listener, Object attachment, int port) {
        WsConnection connection = new WsConnection(nextId++, path, port, new Counting(listener), attachment);
        toConnect.add(connection);
        startConnects();
        return connection;
    }

    /** Runs {@code task} on the loop's thread at {@code nanoTime} (or at once if that has passed). */
    void at(long nanoTime, Runnable task) {
        timers.add(new Timer(nanoTime, timerSeq++, task));
    }

    /** Turns the loop until {@code done} is true or {@code deadline} (nanoTime) passes; true if done. */
    boolean runUntil(BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return false;
            }
            runTimers(now);
            if (done.getAsBoolean()) {
                return true;
            }
            long wait = Math.min(deadline, nextTimer()) - System.nanoTime();
            try {
                if (wait <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, wait / 1_000_000));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
        }
        return true;
    }

    /** Turns the loop for {@code nanos}. */
    void runFor(long nanos) {
        runUntil(() -> false, System.nanoTime() + nanos);
    }

    private void handle(SelectionKey key) {
        WsConnection connection = (WsConnection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                connection.connected(host);
                return;
            }
        } catch (IOException e) {
            connection.failConnect();
            return;
        }
        if (key.isValid() && key.isWritable()) {
            connection.onWritable();
        }
        if (key.isValid() && key.isReadable()) {
            connection.onReadable();
        }
    }

    private void startConnects() {
        while (handshaking < maxHandshakes && !toConnect.isEmpty()) {
            WsConnection connection = toConnect.poll();
            handshaking++;
            try {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
                connection.attach(channel, key);
                if (channel.connect(new InetSocketAddress(host, connection.port))) {
                    connection.connected(host);
                }
            } catch (IOException e) {
                connection.failConnect();
            }
        }
    }

    private void runTimers(long now) {
        while (!timers.isEmpty() && timers.peek().at <= now) {
            timers.poll().task.run();
        }
    }

    private long nextTimer() {
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().at;
    }

    @Override
    public void close() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof WsConnection connection) {
                connection.close();
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private record Timer(long at, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    /** Frees a handshake slot once a connection opens or fails, then passes every event on. */
    private final class Counting implements WsListener {
        private final WsListener inner;
        private boolean counted;

        Counting(WsListener inner) {
            this.inner = inner;
        }

        private void release() {
            if (!counted) {
                counted = true;
                handshaking--;
                startConnects();
            }
        }

        @Override
        public void onOpen(WsConnection connection) {
            release();
            inner.onOpen(connection);
        }

        @Override
        public void onMessage(WsConnection connection, byte[] data, int offset, int length) {
            inner.onMessage(connection, data, offset, length);
        }

        @Override
        public void onPing(WsConnection connection) {
            inner.onPing(connection);
        }

        @Override
        public void onWritable(WsConnection connection) {
            inner.onWritable(connection);
        }

        @Override
        public void onClose(WsConnection connection, int code) {
            release();
            inner.onClose(connection, code);
        }
    }
}
