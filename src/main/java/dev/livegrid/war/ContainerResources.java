package dev.livegrid.war;

import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
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

    /**
     * The DataSource the {@code data-source} setting names.
     *
     * @throws InvalidSettingException when nothing, or something else than a DataSource, is bound there
     */
    static DataSource dataSource(String jndiName) {
        Object found;
        try {
            found = new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            throw new InvalidSettingException(Setting.DATA_SOURCE, jndiName,
                    "the JNDI name of a DataSource defined in this server (lookup failed: " + e + ")");
        }
        if (found instanceof DataSource dataSource) {
            return dataSource;
        }
        throw new InvalidSettingException(Setting.DATA_SOURCE, jndiName,
                "the JNDI name of a DataSource, but it names a " + (found == null ? "null" : found.getClass().getName()));
    }
}
