package dev.livegrid.bench.load;

/**
 * The server under test: its name in the results, where it listens, its process (for RSS and CPU),
 * and how a "room" is spelt on it — a LiveGrid sheet, or a peer's chat-hub room.
 */
record Target(String server, String host, int port, long pid) {

    boolean isLiveGrid() {
        return server.startsWith("livegrid");
    }

    /** The peers in Java and LiveGrid run on a JVM; the Go peer does not. */
    boolean isJvm() {
        return !server.equals("go");
    }

    String echoPath() {
        return "/echo";
    }

    String roomPath(String room) {
        return isLiveGrid() ? "/sheets/" + room : "/hub/" + room;
    }
}
