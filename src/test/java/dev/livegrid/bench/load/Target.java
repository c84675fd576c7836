package dev.livegrid.bench.load;

/**
 * The server under test: its name in the results, where it listens, its process (for RSS and CPU),
 * and how a "room" is spelt on it — a LiveGrid sheet, or a peer's chat-hub room.
 */
record Target(String server, String host, int port, long pid) {

    boolean isLiveGrid() {
        return server.startsWith("livegrid");
    }

    String echoPath() {
        return "/echo";
    }

    String roomPath(String room) {
        return isLiveGrid() ? "/sheets/" + room : "/hub/" + room;
    }
}
