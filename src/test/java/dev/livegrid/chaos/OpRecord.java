package dev.livegrid.chaos;

/** One op a client sent (and maybe resent): its frame, the life it was meant for, and what became of it. */
final class OpRecord {

    /** What the client knows of the op. */
    enum Fate { SENT, ACKED, REJECTED, UNKNOWN, ABANDONED }

    final String id;
    final String frame;
    final String key;
    Fate fate = Fate.SENT;
    /** Sends not yet answered on the current connection. */
    int outstanding;
    long ackedVersion = -1;
    String rejectedCode;

    OpRecord(String id, String frame, String key) {
        this.id = id;
        this.frame = frame;
        this.key = key;
    }
}
