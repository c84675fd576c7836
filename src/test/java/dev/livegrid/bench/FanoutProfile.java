package dev.livegrid.bench;

import dev.livegrid.bench.peers.BareTyrusServer;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fan-out and echo against LiveGrid and a bare Tyrus hub, in the same run, for same-run ratios.
 * <p>
 * Each server runs in a child JVM of its own (same flags; {@code taskset -c <server-cpu>} when that
 * exists; under JDK Flight Recorder with {@code --jfr DIR}); the clients are raw non-blocking sockets
 * on one selector thread in this process, so that they cost far less than the servers:
 * <ul>
 *   <li>{@code fanout}: {@code --viewers} (200) viewers on one sheet and one writer sending edits,
 *       closed loop (the writer keeps at most {@code --ahead} (20) edits not yet delivered to every
 *       viewer) or at {@code --rate} edits/s. Counts deliveries (an edit reaching one viewer) per
 *       second and the latency from sending an edit to its arrival at the last viewer. LiveGrid runs
 *       real sheet edits ({@code data-dir=memory}, {@code op-rate} raised): sequencer, commit,
 *       {@code applied} to every member; the hub relays each text to every session of its room.</li>
 *   <li>{@code echo}: {@code --echo-connections} (50) connections, each sending 100-byte texts closed
 *       loop; replies per second.</li>
 * </ul>
 * Not a test (never run by {@code mvn verify}); see docs/PERFORMANCE.md, "Where the fan-out time
 * goes", for the command. Options (defaults): {@code --loads fanout,rate,echo --rounds 2 --seconds 6
 * --warmup 3 --viewers 200 --ahead 20 --rate 200 --echo-connections 50 --targets livegrid,tyrus
 * --server-cpu 0 --server-heap 1g --jfr DIR --server-jvm "extra flags"}.
 */
public final class FanoutProfile {

    private static final byte[] ID_MARK = "\"id\":\"w-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SKIPPED = "\"skipped\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REJECTED = "\"type\":\"rejected\"".getBytes(StandardCharsets.US_ASCII);
    private static final int RING = 1 << 16;
    private static final int COLUMNS = 5;
    private static final int ROWS = 20;

    private FanoutProfile() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        if (o.containsKey("serve")) {
            serve(o.get("serve"));
            return;
        }
        List<String> loads = List.of(o.getOrDefault("loads", "fanout,rate,echo").split(","));
        List<String> targets = List.of(o.getOrDefault("targets", "livegrid,tyrus").split(","));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        Load load = new Load(Double.parseDouble(o.getOrDefault("seconds", "6")),
                Double.parseDouble(o.getOrDefault("warmup", "3")), Integer.parseInt(o.getOrDefault("viewers", "200")),
                Integer.parseInt(o.getOrDefault("ahead", "20")), Integer.parseInt(o.getOrDefault("rate", "200")),
                Integer.parseInt(o.getOrDefault("echo-connections", "50")));
        System.out.printf(Locale.ROOT, "FanoutProfile: %d processors, java %s, load %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        Map<String, List<Double>> figures = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
            // Alternate who goes first from round to round, against drift on a shared machine.
            List<String> order = new ArrayList<>(targets);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String target : order) {
                try (Child server = Child.start(target, o, "r" + round)) {
                    for (String l : loads) {
                        Result r = switch (l) {
                            case "fanout" -> fanout(server, target, load, 0);
                            case "rate" -> fanout(server, target, load, load.rate);
                            case "echo" -> echo(server, target, load);
                            default -> throw new IllegalArgumentException("unknown load " + l);
                        };
                        System.out.printf(Locale.ROOT, "r%d %-8s %-6s %s  (load %s)%n", round, target, l, r, loadAverage());
                        figures.computeIfAbsent(l + "/" + target + "/rate", k -> new ArrayList<>()).add(r.perSecond);
                        figures.computeIfAbsent(l + "/" + target + "/p99", k -> new ArrayList<>()).add(r.p99);
                        figures.computeIfAbsent(l + "/" + target + "/p50", k -> new ArrayList<>()).add(r.p50);
                        figures.computeIfAbsent(l + "/" + target + "/cpu", k -> new ArrayList<>()).add(r.serverCpuMicros);
                        figures.computeIfAbsent(l + "/" + target + "/bytes", k -> new ArrayList<>()).add(r.serverBytes);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("Medians over " + rounds + " rounds:");
        System.out.println();
        System.out.println("| load | LiveGrid | bare Tyrus | LiveGrid / Tyrus | server CPU us per message, LiveGrid / Tyrus"
                + " | bytes allocated per message, LiveGrid / Tyrus |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String l : loads) {
            String what = switch (l) {
                case "fanout" -> "fan-out closed loop, deliveries/s";
                case "rate" -> "fan-out at " + load.rate + " edits/s, p99 ms (p50)";
                default -> "echo, msgs/s";
            };
            String metric = l.equals("rate") ? "p99" : "rate";
            double lg = median(figures.get(l + "/livegrid/" + metric));
            double ty = median(figures.get(l + "/tyrus/" + metric));
            String extra = l.equals("rate") ? String.format(Locale.ROOT, " (%.1f / %.1f)",
                    median(figures.get(l + "/livegrid/p50")), median(figures.get(l + "/tyrus/p50"))) : "";
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f%s | %.2f / %.2f | %.0f / %.0f |%n", what, lg, ty, lg / ty,
                    extra, median(figures.get(l + "/livegrid/cpu")), median(figures.get(l + "/tyrus/cpu")),
                    median(figures.get(l + "/livegrid/bytes")), median(figures.get(l + "/tyrus/bytes")));
        }
    }

    record Load(double seconds, double warmup, int viewers, int ahead, int rate, int echoConnections) {
    }

    /** What one load measured; the server's CPU and allocation are per delivery (echo: per reply). */
    record Result(double perSecond, double p50, double p99, long count, double clientCpuShare,
                  double serverCpuMicros, double serverBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%9.0f /s  p50 %7.2f ms  p99 %7.2f ms  server %5.2f us CPU %6.0f B allocated"
                            + " per message  (%d counted, client thread busy %.0f %%)",
                    perSecond, p50, p99, serverCpuMicros, serverBytes, count, 100 * clientCpuShare);
        }
    }

    // ---------------------------------------------------------------- loads

    private static Result fanout(Child server, String target, Load load, int rate) throws Exception {
        int port = server.port;
        String path = target.equals("livegrid") ? "/sheets/fanout-" + System.nanoTime() + "?name=v" : "/hub/fanout";
        try (Clients clients = new Clients()) {
            Conn writer = clients.connect(port, target.equals("livegrid") ? path.replace("name=v", "name=w") : path);
            if (target.equals("livegrid")) {
                setUpSheet(clients, writer);
            }
            List<Conn> viewers = new ArrayList<>();
            for (int i = 0; i < load.viewers; i++) {
                viewers.add(clients.connect(port, path));
            }
            Fanout f = new Fanout(clients, writer, viewers, target.equals("livegrid"), load.ahead, rate);
            clients.run(f, 1.0); // presence of the joins settles
            f.started = true;
            f.pump(System.nanoTime());
            clients.run(f, load.warmup);
            long cpu0 = clients.cpu();
            server.mark();
            f.measureFrom = System.nanoTime();
            clients.run(f, load.seconds);
            f.measureUntil = System.nanoTime();
            long[] cost = server.report();
            double busy = (clients.cpu() - cpu0) / (double) (f.measureUntil - f.measureFrom);
            if (f.failure == null && f.deliveries == 0) {
                f.failure = "no delivery in the measured window: sent " + f.sent + ", delivered to every viewer "
                        + f.complete + ", updates carrying skipped versions " + f.merged;
            }
            if (f.failure != null) {
                throw new IllegalStateException(target + ": " + f.failure);
            }
            long[] lat = Arrays.copyOf(f.latencies, f.latencyCount);
            Arrays.sort(lat);
            return new Result(f.deliveries / ((f.measureUntil - f.measureFrom) / 1e9), pct(lat, 0.5), pct(lat, 0.99),
                    f.deliveries, busy, cost[0] / 1e3 / Math.max(1, f.deliveries), cost[1] / (double) Math.max(1, f.deliveries));
        }
    }

    /** 5 columns and 20 rows (ids c1..c5, r6..r25: one counter), written by the writer before it starts. */
    private static void setUpSheet(Clients clients, Conn writer) throws IOException {
        for (int c = 0; c < COLUMNS; c++) {
            writer.sendText("{\"type\":\"addColumn\",\"id\":\"setup-c" + c + "\",\"name\":\"C" + c + "\"}");
        }
        for (int r = 0; r < ROWS; r++) {
            writer.sendText("{\"type\":\"insertRow\",\"id\":\"setup-r" + r + "\",\"cells\":{}}");
        }
        int[] acks = {0};
        Handler count = (conn, text, len) -> {
            if (indexOf(text, len, "\"type\":\"applied\"".getBytes(StandardCharsets.US_ASCII)) >= 0) {
                acks[0]++;
            }
        };
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (acks[0] < COLUMNS + ROWS && System.nanoTime() < deadline) {
            clients.runOnce(count, 100);
        }
        if (acks[0] < COLUMNS + ROWS) {
            throw new IllegalStateException("sheet set-up: " + acks[0] + " acks");
        }
    }

    /** The fan-out bookkeeping: which edit reached how many viewers, and when the writer may send. */
    private static final class Fanout implements Handler {
        final Clients clients;
        final Conn writer;
        final int viewers;
        final boolean sheet;
        final int ahead;
        final long periodNanos;
        final int[] got = new int[RING];
        final long[] sentAt = new long[RING];
        final long[] latencies = new long[1 << 20];
        int latencyCount;
        long sent;
        long complete;
        long deliveries;
        long merged;
        long nextAt;
        boolean started;
        long measureFrom = Long.MAX_VALUE;
        long measureUntil = Long.MAX_VALUE;
        String failure;

        Fanout(Clients clients, Conn writer, List<Conn> viewers, boolean sheet, int ahead, int rate) {
            this.clients = clients;
            this.writer = writer;
            this.viewers = viewers.size();
            this.sheet = sheet;
            this.ahead = ahead;
            this.periodNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
            viewers.forEach(v -> v.viewer = true);
        }

        @Override
        public void text(Conn conn, byte[] text, int len) {
            if (!conn.viewer) {
                if (sheet && indexOf(text, len, REJECTED) >= 0 && failure == null) {
                    failure = "the writer's edit was rejected: " + new String(text, 0, len, StandardCharsets.UTF_8);
                }
                return;
            }
            long seq = seqOf(text, len);
            if (seq < 0) {
                return;
            }
            int skip = indexOf(text, len, SKIPPED);
            if (skip >= 0 && skip + SKIPPED.length < len && text[skip + SKIPPED.length] != ']') {
                merged++; // a viewer's outbox merged edits of a cell: the skipped ones never reach it
            }
            long now = System.nanoTime();
            if (now >= measureFrom && now < measureUntil) {
                deliveries++;
            }
            int slot = (int) (seq & (RING - 1));
            if (++got[slot] == viewers) {
                got[slot] = 0;
                complete++;
                if (sentAt[slot] >= measureFrom && now < measureUntil && latencyCount < latencies.length) {
                    latencies[latencyCount++] = now - sentAt[slot];
                }
                if (periodNanos == 0) {
                    pump(now);
                }
            }
        }

        @Override
        public long tick(long now) {
            if (!started || periodNanos == 0) {
                return 100;
            }
            pump(now);
            return Math.max(0, (nextAt - System.nanoTime()) / 1_000_000);
        }

        void pump(long now) {
            try {
                if (periodNanos == 0) {
                    while (sent - complete < ahead) {
                        send(now);
                    }
                } else {
                    if (nextAt == 0) {
                        nextAt = now;
                    }
                    while (nextAt <= now && sent - complete < RING / 2) {
                        send(nextAt);
                        nextAt += periodNanos;
                    }
                }
            } catch (IOException e) {
                failure = String.valueOf(e);
            }
        }

        private void send(long at) throws IOException {
            long seq = ++sent;
            sentAt[(int) (seq & (RING - 1))] = at;
            ThreadLocalRandom r = ThreadLocalRandom.current();
            writer.sendText("{\"type\":\"edit\",\"id\":\"w-" + seq + "\",\"row\":\"r" + (COLUMNS + 1 + r.nextInt(ROWS))
                    + "\",\"col\":\"c" + (1 + r.nextInt(COLUMNS)) + "\",\"value\":\"value " + seq + "\"}");
        }

        @Override
        public void closed(Conn conn, String why) {
            failure = "a connection was closed: " + why;
        }
    }

    private static Result echo(Child server, String target, Load load) throws Exception {
        int port = server.port;
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'e');
        String message = new String(payload, StandardCharsets.US_ASCII);
        try (Clients clients = new Clients()) {
            List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < load.echoConnections; i++) {
                conns.add(clients.connect(port, "/echo"));
            }
            long[] counted = {0};
            long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};
            String[] failure = {null};
            Handler h = new Handler() {
                @Override
                public void text(Conn conn, byte[] text, int len) {
                    long now = System.nanoTime();
                    if (now >= window[0] && now < window[1]) {
                        counted[0]++;
                    }
                    try {
                        conn.sendText(message);
                    } catch (IOException e) {
                        failure[0] = String.valueOf(e);
                    }
                }

                @Override
                public void closed(Conn conn, String why) {
                    failure[0] = why;
                }
            };
            for (Conn c : conns) {
                c.sendText(message);
            }
            clients.run(h, load.warmup);
            long cpu0 = clients.cpu();
            server.mark();
            window[0] = System.nanoTime();
            clients.run(h, load.seconds);
            window[1] = System.nanoTime();
            long[] cost = server.report();
            if (failure[0] != null) {
                throw new IllegalStateException(target + " echo: " + failure[0]);
            }
            double secs = (window[1] - window[0]) / 1e9;
            return new Result(counted[0] / secs, Double.NaN, Double.NaN, counted[0],
                    (clients.cpu() - cpu0) / (secs * 1e9), cost[0] / 1e3 / Math.max(1, counted[0]),
                    cost[1] / (double) Math.max(1, counted[0]));
        }
    }

    // ---------------------------------------------------------------- clients

    interface Handler {
        void text(Conn conn, byte[] text, int len);

        /** Called between selects; returns how long the next select may wait, in ms. */
        default long tick(long now) {
            return 100;
        }

        default void closed(Conn conn, String why) {
        }
    }

    /** Raw WebSocket clients on one selector, driven by the calling thread. */
    static final class Clients implements AutoCloseable {
        final Selector selector;
        final List<Conn> conns = new ArrayList<>();
        final long thread = Thread.currentThread().getId();

        Clients() throws IOException {
            selector = Selector.open();
        }

        long cpu() {
            return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread);
        }

        Conn connect(int port, String path) throws IOException {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            Conn conn = new Conn(ch);
            // Read the response head; frames that follow it in the same read stay in the buffer.
            while (true) {
                if (ch.read(conn.in) < 0) {
                    throw new IOException("closed during the handshake to " + path);
                }
                int end = indexOf(conn.in.array(), conn.in.position(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (end >= 0) {
                    String head = new String(conn.in.array(), 0, end, StandardCharsets.US_ASCII);
                    if (!head.startsWith("HTTP/1.1 101")) {
                        throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
                    }
                    conn.in.flip().position(end + 4);
                    conn.in.compact();
                    conn.leftover = conn.in.position() > 0;
                    break;
                }
            }
            ch.configureBlocking(false);
            conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
            conns.add(conn);
            return conn;
        }

        void run(Handler h, double seconds) throws IOException {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                long wait = h.tick(System.nanoTime());
                runOnce(h, Math.max(1, Math.min(wait, (end - System.nanoTime()) / 1_000_000)));
            }
        }

        void runOnce(Handler h, long waitMillis) throws IOException {
            for (Conn c : conns) {
                if (c.leftover) { // frames read with the handshake's answer
                    c.leftover = false;
                    c.parse(h);
                }
            }
            selector.select(Math.max(1, waitMillis));
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = (Conn) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isWritable()) {
                    c.flush();
                }
                if (key.isReadable()) {
                    int n;
                    try {
                        n = c.ch.read(c.in);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        key.cancel();
                        h.closed(c, "end of stream");
                        continue;
                    }
                    c.parse(h);
                }
            }
            selector.selectedKeys().clear();
        }

        @Override
        public void close() {
            for (Conn c : conns) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // gone already
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }

    /** One client connection: masked frames out, unmasked frames in. */
    static final class Conn {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(1 << 20);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        byte[] message = new byte[4096];
        SelectionKey key;
        boolean viewer;
        boolean leftover;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void sendText(String text) throws IOException {
            send(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        void send(int opcode, byte[] payload) throws IOException {
            int len = payload.length;
            int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
            ByteBuffer frame = ByteBuffer.allocate(header + 4 + len);
            frame.put((byte) (0x80 | opcode));
            if (len < 126) {
                frame.put((byte) (0x80 | len));
            } else if (len < 65536) {
                frame.put((byte) (0x80 | 126)).putShort((short) len);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(len);
            }
            int mask = ThreadLocalRandom.current().nextInt();
            frame.putInt(mask);
            for (int i = 0; i < len; i++) {
                frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
            }
            frame.flip();
            out.add(frame);
            flush();
        }

        void flush() throws IOException {
            while (!out.isEmpty()) {
                ByteBuffer head = out.peek();
                ch.write(head);
                if (head.hasRemaining()) {
                    if (key != null) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    return;
                }
                out.poll();
            }
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        /** Hands every complete frame in {@link #in} to the handler; pings are answered. */
        void parse(Handler h) throws IOException {
            in.flip();
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = in.get(start) & 0xFF;
                int b1 = in.get(start + 1) & 0x7F;
                int header = 2;
                long len = b1;
                if (b1 == 126) {
                    if (in.remaining() < 4) {
                        break;
                    }
                    len = in.getShort(start + 2) & 0xFFFF;
                    header = 4;
                } else if (b1 == 127) {
                    if (in.remaining() < 10) {
                        break;
                    }
                    len = in.getLong(start + 2);
                    header = 10;
                }
                if (in.remaining() < header + len) {
                    break;
                }
                int n = (int) len;
                if (message.length < n) {
                    message = new byte[Math.max(n, 2 * message.length)];
                }
                in.position(start + header);
                in.get(message, 0, n);
                int opcode = b0 & 0x0F;
                if (opcode == 0x1 || opcode == 0x0) {
                    h.text(this, message, n);
                } else if (opcode == 0x9) {
                    send(0xA, Arrays.copyOf(message, n));
                } else if (opcode == 0x8) {
                    h.closed(this, "close frame " + ((message[0] & 0xFF) << 8 | message[1] & 0xFF) + " "
                            + new String(message, 2, Math.max(0, n - 2), StandardCharsets.UTF_8));
                }
            }
            in.compact();
            if (!in.hasRemaining()) {
                throw new IOException("a frame larger than the client's buffer");
            }
        }
    }

    /** The writer's sequence number in a text ({@code "id":"w-N"}), or -1. */
    static long seqOf(byte[] text, int len) {
        int at = indexOf(text, len, ID_MARK);
        if (at < 0) {
            return -1;
        }
        long seq = 0;
        for (int i = at + ID_MARK.length; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
            seq = seq * 10 + (text[i] - '0');
        }
        return seq;
    }

    static int indexOf(byte[] data, int len, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= len; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- servers

    /** A server in a child JVM; it stops when its standard input closes. */
    static final class Child implements AutoCloseable {
        final Process process;
        final int port;
        final BufferedReader out;
        final java.io.PrintStream in;

        private Child(Process process, int port, BufferedReader out) {
            this.process = process;
            this.port = port;
            this.out = out;
            this.in = new java.io.PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void mark() {
            in.println("mark");
        }

        /** Server CPU nanoseconds and bytes allocated since {@link #mark()}. */
        long[] report() throws IOException {
            in.println("report");
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("COST ")) {
                    String[] parts = line.split(" ");
                    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
                }
            }
            throw new IOException("the server is gone");
        }

        static Child start(String target, Map<String, String> o, String label) throws IOException {
            List<String> command = new ArrayList<>();
            String cpu = o.getOrDefault("server-cpu", "0");
            if (!cpu.equals("none") && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
                command.addAll(List.of("/usr/bin/taskset", "-c", cpu));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String heap = o.getOrDefault("server-heap", "1g");
            command.addAll(List.of("-Xms" + heap, "-Xmx" + heap));
            if (o.containsKey("server-jvm")) {
                command.addAll(List.of(o.get("server-jvm").trim().split("\\s+")));
            }
            if (o.containsKey("jfr")) {
                Path dir = Path.of(o.get("jfr"));
                Files.createDirectories(dir);
                command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + dir.resolve(target + "-" + label + ".jfr"));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), FanoutProfile.class.getName(),
                    "--serve", target));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    return new Child(p, Integer.parseInt(line.substring(5).trim()), out);
                }
            }
            throw new IOException(target + " server did not start");
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void serve(String target) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        Arrays.stream(Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        AutoCloseable server;
        int port;
        if (target.equals("livegrid")) {
            LiveGridServer s = LiveGridServer.start(Settings.defaults().withPort(0).withBind("127.0.0.1").with(Map.of(
                    Setting.DATA_DIR, Settings.IN_MEMORY,
                    Setting.OP_RATE, "1000000")));
            server = s;
            port = s.port();
        } else {
            BareTyrusServer.Running s = BareTyrusServer.start(0, 0);
            server = s;
            port = s.port();
        }
        System.out.println("PORT " + port);
        System.out.flush();
        // Runs until the parent closes our standard input; "mark" and "report" bracket a measured window.
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long[] mark = cost();
        String line;
        while ((line = commands.readLine()) != null) {
            if (line.equals("mark")) {
                mark = cost();
            } else if (line.equals("report")) {
                long[] now = cost();
                System.out.println("COST " + (now[0] - mark[0]) + " " + (now[1] - mark[1]));
                System.out.flush();
            }
        }
        server.close();
    }

    /** This process's CPU time and the bytes its live threads have allocated, so far. */
    private static long[] cost() {
        long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
        long allocated = 0;
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads) {
            for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                allocated += Math.max(0, bytes);
            }
        }
        return new long[] {cpu, allocated};
    }

    // ---------------------------------------------------------------- helpers

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i] / 1e6;
    }

    private static double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: FanoutProfile [--loads fanout,rate,echo] [--rounds N]"
                        + " [--seconds S] [--warmup S] [--viewers N] [--ahead N] [--rate N] [--echo-connections N]"
                        + " [--targets livegrid,tyrus] [--server-cpu 0|none] [--server-heap 1g] [--jfr DIR]"
                        + " [--server-jvm FLAGS]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
