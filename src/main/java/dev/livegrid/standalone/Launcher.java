package dev.livegrid.standalone;

import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Settings;
import dev.livegrid.store.StoreException;

import java.time.ZonedDateTime;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar livegrid-standalone.jar}: starts {@link LiveGridServer} and stops it on SIGTERM. */
public final class Launcher {

    private Launcher() {
    }

    /** One line per log record: time, level, message (and a stack trace when there is one). */
    private static final String LOG_FORMAT = "%1$tF %1$tT %4$s %5$s%6$s%n";

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        Settings settings;
        try {
            settings = Settings.fromEnvironment();
        } catch (InvalidSettingException e) {
            System.err.println("LiveGrid cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        LiveGridServer server;
        try {
            server = LiveGridServer.start(settings);
        } catch (StoreException e) {
            System.err.println("LiveGrid cannot start: " + e.getMessage());
            System.exit(3);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            // Not through java.util.logging: its own shutdown hook may already have closed the handlers.
            System.err.printf(LOG_FORMAT, ZonedDateTime.now(), "", "", "INFO", "LiveGrid stopped", "");
            stopped.countDown();
        }, "livegrid-shutdown"));
        stopped.await();
    }
}
