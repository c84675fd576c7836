package dev.livegrid.deploy;

import dev.livegrid.support.LocalPostgres;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR on WildFly with its sheets in PostgreSQL, as docs/DEPLOYMENT.md tells an operator to run
 * it: a throwaway cluster ({@link LocalPostgres}), PostgreSQL's JDBC driver deployed as a jar, a
 * DataSource {@code java:jboss/datasources/LiveGridDS} deployed as {@code livegrid-ds.xml} (both by
 * the deployment scanner, next to the WAR) and {@code LIVEGRID_DATA_SOURCE} naming it. Runs the
 * whole shared suite and WildFly's undeploy/redeploy check (the store closed and reopened on the
 * pool), plus: the start-up line names the DataSource, and what a socket edits is in PostgreSQL's
 * {@code livegrid_sheets} and {@code livegrid_ops}, read back over JDBC.
 */
class WildFlyPostgresIT extends WildFlyIT {

    static final String JNDI = "java:jboss/datasources/LiveGridDS";

    private LocalPostgres postgres;

    @Override
    Map<String, String> environment(Path work) {
        Map<String, String> environment = new HashMap<>(super.environment(work));
        environment.put("LIVEGRID_DATA_SOURCE", JNDI);
        return environment;
    }

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        postgres = LocalPostgres.start();
        Path deployments = work.resolve("standalone/deployments");
        deployDataSource(deployments, postgres.jdbcUrl());
        Thread gate = holdWarUntilDataSourceDeployed(deployments);
        try {
            return super.start(war, work, environment);
        } finally {
            gate.interrupt();
        }
    }

    /**
     * The scanner deploys what it finds at boot concurrently, and nothing makes the WAR wait for the
     * DataSource it looks up at deployment: here the DataSource was bound about a second before
     * LiveGrid's lookup, a race a loaded machine could lose. As an operator would do it, the WAR is
     * deployed once the DataSource is: its {@code .skipdeploy} marker is removed when
     * {@code livegrid-ds.xml.deployed} appears (the next scan, within 5 s, deploys the WAR).
     */
    static Thread holdWarUntilDataSourceDeployed(Path deployments) throws Exception {
        Path skip = Files.createFile(deployments.resolve("livegrid.war.skipdeploy"));
        Thread gate = new Thread(() -> {
            try {
                while (!Files.exists(deployments.resolve("livegrid-ds.xml.deployed"))) {
                    Thread.sleep(100);
                }
                Files.deleteIfExists(skip);
            } catch (InterruptedException stopped) {
                // WildFlyServer.start returned or failed (a failed livegrid-ds.xml shows in its log).
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "WildFlyPostgresIT-gate");
        gate.setDaemon(true);
        gate.start();
        return gate;
    }

    /**
     * Puts PostgreSQL's driver jar and {@code livegrid-ds.xml} where WildFlyServer's base directory
     * will have its deployments (it creates the directory only if absent and adds the WAR), so the
     * scanner deploys all three at boot.
     */
    static void deployDataSource(Path deployments, String jdbcUrl) throws Exception {
        Path driver = Path.of(System.getProperty("livegrid.postgresqlDriver", "postgresql.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(driver), "no PostgreSQL JDBC driver at " + driver
                + " (the failsafe property livegrid.postgresqlDriver; `mvn verify` resolves it)");
        Files.createDirectories(deployments);
        Files.copy(driver, deployments.resolve(driver.getFileName()));
        String template;
        try (InputStream in = WildFlyPostgresIT.class.getResourceAsStream("/deploy/livegrid-postgres-ds.xml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(deployments.resolve("livegrid-ds.xml"), template
                .replace("@DRIVER@", driver.getFileName().toString())
                .replace("@URL@", jdbcUrl.replace("&", "&amp;")));
    }

    @AfterAll
    void stopPostgres() throws Exception {
        // WildFly first (its pool holds connections), then the cluster; DeployedWarContract's close is then a no-op.
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (postgres != null) {
                System.out.printf("WildFlyPostgresIT: PostgreSQL cluster started in %.1f s%n",
                        postgres.startTime().toMillis() / 1000.0);
                postgres.close();
            }
        }
    }

    @Test
    void startupLineNamesTheDataSourceAndWarnsOfNothing() {
        String log = server.process().log();
        assertTrue(log.contains("LiveGrid started at /livegrid/ (store DataSource " + JNDI),
                "the start-up line names the DataSource\n" + server.process().logTail());
        assertFalse(log.contains("the store (") && log.contains("synchronous_commit"),
                "PostgreSQL's defaults are durable: no warning\n" + server.process().logTail());
        assertFalse(log.contains("(store data-dir"), "no data directory is used\n" + server.process().logTail());
    }

    @Test
    void editsOverASocketAreRowsInPostgresql() throws Exception {
        String sheet = "pg-" + System.nanoTime();
        try (SheetClient writer = SheetClient.join(server.webSocket("sheets/" + sheet))) {
            String col = appliedOp(writer, SheetOps.addColumn("c", "where", null)).getString("col");
            appliedOp(writer, SheetOps.insertRow("r", null, Map.of(col, "in PostgreSQL")));
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl())) {
            try (PreparedStatement s = c.prepareStatement("SELECT version FROM livegrid_sheets WHERE id = ?")) {
                s.setString(1, sheet);
                ResultSet rs = s.executeQuery();
                assertTrue(rs.next(), "a row for " + sheet + " in livegrid_sheets");
                assertEquals(2, rs.getLong(1), "both acknowledged edits are committed");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT version, applied FROM livegrid_ops WHERE sheet = ? ORDER BY version")) {
                s.setString(1, sheet);
                ResultSet rs = s.executeQuery();
                StringBuilder ops = new StringBuilder();
                while (rs.next()) {
                    ops.append(rs.getLong(1)).append(' ').append(rs.getString(2)).append('\n');
                }
                assertTrue(ops.toString().contains("in PostgreSQL"), "the edits are in livegrid_ops:\n" + ops);
            }
        }
        HttpResponse<String> csv = get(server.base().resolve("api/sheets/" + sheet + ".csv"));
        assertEquals("where\r\nin PostgreSQL\r\n", csv.body());
    }
}
