package dev.livegrid.bench.load;

/**
 * The server under test: its name in the results, where it listens, its process (for RSS and CPU),
 * the context root its endpoints are under ("" standalone and on the peers, "/livegrid" for the WAR),
 * and how a "room" is spelt on it — a LiveGrid sheet, or a peer's chat-hub room.
 */
record Target(String server, String host, int port, long pid, String context) {

    boolean isLiveGrid() {
        return server.startsWith("livegrid");
    }

    /** The peers in Java and LiveGrid run on a JVM; the Go peer does not. */
    boolean isJvm() {
        return !server.equals("go");
    }

    String echoPath() {
        return context + "/echo";
    }

    String roomPath(String room) {
        return context + (isLiveGrid() ? "/sheets/" + room : "/hub/" + room);
    }
}
