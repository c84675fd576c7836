package dev.livegrid.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records of LiveGrid ({@code dev.livegrid}) and of Tyrus and Grizzly ({@code org.glassfish}),
 * kept while it is open so a test can check them afterwards; records still go to the console as usual.
 * Loggers named in {@code verbose} are lowered to FINE meanwhile (e.g. an endpoint whose error handler
 * logs what it catches at FINE).
 */
public final class ServerLogRecords extends Handler implements AutoCloseable {

    private static final int KEEP = 10_000;

    private final List<Logger> loggers;
    private final List<Logger> verbose;
    private final List<Level> verboseLevels;
    private final List<LogRecord> records = new ArrayList<>();

    public ServerLogRecords(String... verbose) {
        setLevel(Level.ALL);
        this.loggers = List.of(Logger.getLogger("dev.livegrid"), Logger.getLogger("org.glassfish"));
        this.verbose = java.util.Arrays.stream(verbose).map(Logger::getLogger).toList();
        this.verboseLevels = this.verbose.stream().map(Logger::getLevel).toList();
        this.verbose.forEach(logger -> logger.setLevel(Level.FINE));
        loggers.forEach(logger -> logger.addHandler(this));
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (records.size() < KEEP) {
            records.add(record);
        }
    }

    /** Records at {@code level} or above. */
    public synchronized List<LogRecord> atLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
    }

    /** Records of one logger (by name prefix) at one level exactly. */
    public synchronized List<LogRecord> of(String loggerPrefix, Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level) && r.getLoggerName() != null
                && r.getLoggerName().startsWith(loggerPrefix)).toList();
    }

    /** A record as one line: level, logger, message and what was thrown. */
    public static String describe(LogRecord record) {
        String message = record.getMessage();
        if (message != null && record.getParameters() != null && record.getParameters().length > 0) {
            try {
                message = java.text.MessageFormat.format(message, record.getParameters());
            } catch (IllegalArgumentException e) {
                // shown unformatted
            }
        }
        return record.getLevel() + " " + record.getLoggerName() + ": " + message
                + (record.getThrown() == null ? "" : " — " + record.getThrown());
    }

    /** Lines of the records, at most {@code limit}. */
    public static List<String> describe(List<LogRecord> records, int limit) {
        List<String> lines = new ArrayList<>();
        records.stream().limit(limit).forEach(r -> lines.add(describe(r)));
        return lines;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(this));
        for (int i = 0; i < verbose.size(); i++) {
            verbose.get(i).setLevel(verboseLevels.get(i));
        }
    }
}
