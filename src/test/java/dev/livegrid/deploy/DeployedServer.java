package dev.livegrid.deploy;

import java.net.URI;
import java.time.Duration;

/** The WAR running on a real Jakarta EE server, as the shared deployment suite sees it. */
interface DeployedServer extends AutoCloseable {

    /** E.g. Payara Micro 6.2025.10. */
    String name();

    /** The application root, e.g. {@code http://127.0.0.1:18480/livegrid/}. */
    URI base();

    /** From starting the process to the WAR answering. */
    Duration bootTime();

    ServerProcess process();

    /** The WebSocket URI of a path below the application root, e.g. {@code echo}. */
    default URI webSocket(String relative) {
        return URI.create("ws://" + base().getRawAuthority() + base().getRawPath() + relative);
    }
}
