package dev.livegrid.deploy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The WAR running on a real server, as the shared deployment suite sees it. Closing stops the server. */
abstract class DeployedServer implements AutoCloseable {

    private final String name;
    private final ServerProcess process;
    private final URI base;
    private final Duration bootTime;

    /**
     * @param name     e.g. {@code Payara Micro}
     * @param base     the application root, e.g. {@code http://127.0.0.1:18480/livegrid/}
     * @param bootTime from starting the process to the WAR answering
     */
    DeployedServer(String name, ServerProcess process, URI base, Duration bootTime) {
        this.name = name;
        this.process = process;
        this.base = base;
        this.bootTime = bootTime;
    }

    final String name() {
        return name;
    }

    final URI base() {
        return base;
    }

    final Duration bootTime() {
        return bootTime;
    }

    final ServerProcess process() {
        return process;
    }

    /** The root of another application deployed on the same server, e.g. {@code livegrid-token}. */
    final URI application(String contextRoot) {
        return URI.create("http://" + base.getRawAuthority() + "/" + contextRoot + "/");
    }

    /** The context root a server gives a WAR deployed from this file: its name without {@code .war}. */
    static String contextRoot(Path war) {
        String file = war.getFileName().toString();
        return file.endsWith(".war") ? file.substring(0, file.length() - 4) : file;
    }

    /** The WebSocket URI of a path below the application root, e.g. {@code echo}. */
    final URI webSocket(String relative) {
        return URI.create("ws://" + base.getRawAuthority() + base.getRawPath() + relative);
    }

    @Override
    public final void close() throws InterruptedException {
        process.close();
    }
}
