package dev.livegrid.war;

import dev.livegrid.config.InvalidSettingException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.spi.InitialContextFactory;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JNDI lookups of the WAR, on a JNDI provider of the test's own (a map behind
 * {@code java.naming.factory.initial}): a DataSource bound late is still found, a missing or wrong
 * one fails naming the setting, and a missing managed executor means LiveGrid's own.
 */
@Timeout(60)
class ContainerResourcesTest {

    static final Map<String, Object> BOUND = new ConcurrentHashMap<>();

    /** The test's JNDI: lookups read {@link #BOUND}. */
    public static final class MapContextFactory implements InitialContextFactory {
        @Override
        public Context getInitialContext(Hashtable<?, ?> environment) {
            return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[]{Context.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("lookup") && args[0] instanceof String name) {
                            Object found = BOUND.get(name);
                            if (found == null) {
                                throw new NameNotFoundException(name + " is not bound");
                            }
                            return found;
                        }
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @BeforeEach
    void useMapJndi() {
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, MapContextFactory.class.getName());
    }

    @AfterEach
    void restore() {
        System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        BOUND.clear();
    }

    @Test
    void aDataSourceBoundAfterTheLookupStartedIsFound() {
        JdbcDataSource late = new JdbcDataSource();
        ScheduledExecutorService binder = Executors.newSingleThreadScheduledExecutor();
        try {
            binder.schedule(() -> BOUND.put("java:jboss/datasources/Late", late), 2, TimeUnit.SECONDS);
            assertSame(late, ContainerResources.dataSource("java:jboss/datasources/Late"));
        } finally {
            binder.shutdownNow();
        }
    }

    @Test
    void aNameNeverBoundFailsNamingTheSettingAfterTheWait() {
        long started = System.nanoTime();
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> ContainerResources.dataSource("jdbc/nope"));
        long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(waited >= ContainerResources.DATA_SOURCE_WAIT.toSeconds() - 1, "waited " + waited + " s");
        assertTrue(e.getMessage().startsWith("Invalid setting livegrid.data-source (LIVEGRID_DATA_SOURCE) = 'jdbc/nope':"
                + " the JNDI name of a DataSource defined in this server (lookup failed for 15 s"), e.getMessage());
    }

    @Test
    void somethingElseThanADataSourceIsRefusedAtOnce() {
        BOUND.put("jdbc/text", "not a data source");
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> ContainerResources.dataSource("jdbc/text"));
        assertTrue(e.getMessage().contains("names a java.lang.String"), e.getMessage());
    }

    @Test
    void withoutAManagedSchedulerLiveGridUsesItsOwn() {
        assertTrue(ContainerResources.managedScheduler().isEmpty());
        ScheduledExecutorService managed = Executors.newSingleThreadScheduledExecutor();
        try {
            BOUND.put(ContainerResources.DEFAULT_SCHEDULER, managed);
            assertSame(managed, ContainerResources.managedScheduler().orElseThrow());
        } finally {
            managed.shutdownNow();
        }
    }
}
