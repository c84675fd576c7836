package dev.livegrid.bench.load;

import java.util.List;

/**
 * The server under test: its name in the results, where it listens, its process (for RSS and CPU),
 * the context root its endpoints are under ("" standalone and on the peers, "/livegrid" for the WAR),
 * and how a "room" is spelt on it — a LiveGrid sheet, or a peer's chat-hub room.
 *
 * <p>Several servers of one cluster (LiveGrid servers sharing one PostgreSQL) are one target: {@code
 * ports} lists where each listens ({@code port} is the first), {@code pids} their processes (CPU is
 * summed over them), and {@code dbPid} the database's postmaster (its CPU and its children's), or -1.
 */
record Target(String server, String host, int port, long pid, String context, List<Integer> ports, List<Long> pids,
              long dbPid) {

    Target(String server, String host, int port, long pid, String context) {
        this(server, host, port, pid, context, List.of(port), List.of(pid), -1);
    }

    boolean isLiveGrid() {
        return server.startsWith("livegrid");
    }

    /** The peers in Java and LiveGrid run on a JVM; the Go peer does not. */
    boolean isJvm() {
        return !server.equals("go");
    }

    /** The port of the i-th of several connections spread over the servers in turn. */
    int portFor(int i) {
        return ports.get(Math.floorMod(i, ports.size()));
    }

    String echoPath() {
        return context + "/echo";
    }

    String roomPath(String room) {
        return context + (isLiveGrid() ? "/sheets/" + room : "/hub/" + room);
    }
}
