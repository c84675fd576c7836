package dev.livegrid.standalone;

import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Settings;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar livegrid-standalone.jar}: starts {@link LiveGridServer} and stops it on SIGTERM. */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.fromEnvironment();
        } catch (InvalidSettingException e) {
            System.err.println("LiveGrid cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        LiveGridServer server = LiveGridServer.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "livegrid-shutdown"));
        stopped.await();
    }
}
