package dev.livegrid.war;

import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** What LiveGrid borrows from the Jakarta EE server, looked up in JNDI. */
final class ContainerResources {

    /** The default managed scheduled executor every Jakarta EE (Concurrency) server offers. */
    static final String DEFAULT_SCHEDULER = "java:comp/DefaultManagedScheduledExecutorService";

    private ContainerResources() {
    }

    /**
     * The server's managed scheduled executor, or empty on a servlet-only container (Tomcat, Jetty),
     * where LiveGrid runs a scheduler of its own. Typed by the JDK interface it extends, so the WAR
     * needs no Concurrency API.
     */
    static Optional<ScheduledExecutorService> managedScheduler() {
        try {
            Object found = new InitialContext().lookup(DEFAULT_SCHEDULER);
            return found instanceof ScheduledExecutorService scheduler ? Optional.of(scheduler) : Optional.empty();
        } catch (NamingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How long a deployment waits for its DataSource name to be bound before it fails. */
    static final Duration DATA_SOURCE_WAIT = Duration.ofSeconds(15);

    /**
     * The DataSource the {@code data-source} setting names, waiting up to {@link #DATA_SOURCE_WAIT} for
     * it to be bound: a server that deploys a DataSource definition and the WAR together (WildFly's
     * deployment scanner, at every start) does not make the WAR wait for it.
     *
     * @throws InvalidSettingException when nothing, or something else than a DataSource, is bound there
     */
    static DataSource dataSource(String jndiName) {
        long deadline = System.nanoTime() + DATA_SOURCE_WAIT.toNanos();
        while (true) {
            Object found;
            try {
                found = new InitialContext().lookup(jndiName);
            } catch (NamingException e) {
                if (System.nanoTime() < deadline) {
                    pause();
                    continue;
                }
                throw new InvalidSettingException(Setting.DATA_SOURCE, jndiName,
                        "the JNDI name of a DataSource defined in this server (lookup failed for "
                                + DATA_SOURCE_WAIT.toSeconds() + " s: " + e + ")");
            }
            if (found instanceof DataSource dataSource) {
                return dataSource;
            }
            throw new InvalidSettingException(Setting.DATA_SOURCE, jndiName, "the JNDI name of a DataSource, but it names a "
                    + (found == null ? "null" : found.getClass().getName()));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the DataSource to be bound", e);
        }
    }
}
