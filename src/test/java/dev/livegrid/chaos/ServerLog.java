package dev.livegrid.chaos;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log during a run: kept (the last records, for the report) instead of printed, and read
 * for the records that mean a thread or task died — a room task or the committer failing
 * unexpectedly — which are broken promises (P5).
 */
final class ServerLog extends Handler implements AutoCloseable {

    private static final int KEEP = 40;

    /** LiveGrid's own loggers, and Tyrus's and Grizzly's, which report what fails inside them. */
    private final java.util.List<Logger> loggers = java.util.List.of(Logger.getLogger("dev.livegrid"),
            Logger.getLogger("org.glassfish"));
    private final java.util.List<Boolean> usedParents;
    private final Violations violations;
    private final Deque<String> last = new ArrayDeque<>();

    ServerLog(Violations violations) {
        this.violations = violations;
        setLevel(Level.INFO);
        usedParents = loggers.stream().map(Logger::getUseParentHandlers).toList();
        for (Logger logger : loggers) {
            logger.addHandler(this);
            logger.setUseParentHandlers(false);
        }
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
            return;
        }
        String message = record.getMessage();
        String line = record.getLevel() + " " + record.getLoggerName() + ": " + message
                + (record.getThrown() == null ? "" : " — " + record.getThrown());
        last.addLast(line);
        while (last.size() > KEEP) {
            last.removeFirst();
        }
        if (message != null && record.getLoggerName().startsWith("dev.livegrid") && (message.contains("a room task failed") || message.contains("failed unexpectedly"))) {
            violations.add(Promise.P5_NO_THREAD_DIES, "the server logged: " + Ledger.abbreviate(line));
        }
    }

    /** The last warnings and errors, oldest first. */
    synchronized String lastRecords() {
        return String.join("\n", last);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(this);
            loggers.get(i).setUseParentHandlers(usedParents.get(i));
        }
    }
}
