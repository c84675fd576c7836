package dev.livegrid.deploy;

import dev.livegrid.client.Applied;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.client.SheetListener;
import dev.livegrid.client.Table;
import dev.livegrid.client.User;
import dev.livegrid.support.ClusterLoad;
import dev.livegrid.support.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR on two WildFly servers sharing one PostgreSQL (Debian's, a throwaway cluster), each with
 * the DataSource {@code java:jboss/datasources/LiveGridDS} deployed as docs/DEPLOYMENT.md shows: clients
 * on both edit one sheet at once and end with one table, every acknowledged op in the store at its
 * version and no version missing; who is here is the same on both.
 */
@Timeout(900)
class WildFlyClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CLIENTS_PER_SERVER = 4;
    private static final int OPS_EACH = 30;
    private static LocalPostgres postgres;
    private static final List<WildFlyServer> servers = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        Path war = Path.of(System.getProperty("livegrid.war", "target/livegrid.war")).toAbsolutePath();
        assertTrue(Files.isRegularFile(war), "run `mvn package` first: no " + war);
        Path work = Files.createDirectories(war.getParent().resolve("deploy-it")
                .resolve("WildFlyClusterIT-" + System.currentTimeMillis()));
        postgres = LocalPostgres.start();
        for (int i = 1; i <= 2; i++) {
            Path node = work.resolve("wildfly-" + i);
            Path deployments = node.resolve("standalone/deployments");
            WildFlyPostgresIT.deployDataSource(deployments, postgres.jdbcUrl());
            Thread gate = WildFlyPostgresIT.holdWarUntilDataSourceDeployed(deployments);
            try {
                servers.add(WildFlyServer.start(war, node, Map.of(
                        "LIVEGRID_DATA_SOURCE", WildFlyPostgresIT.JNDI,
                        "LIVEGRID_OP_RATE", "1000",
                        "LIVEGRID_OP_WINDOW", "100000")));
            } finally {
                gate.interrupt();
            }
            System.out.printf("WildFlyClusterIT: WildFly %d answering after %.1f s at %s%n", i,
                    servers.get(i - 1).bootTime().toMillis() / 1000.0, servers.get(i - 1).base());
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            for (WildFlyServer server : servers) {
                server.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void clientsOnTwoWildFlyServersEditingOneSheetEndWithOneTable() throws Exception {
        String sheet = "wildfly-cluster";
        LiveGridClient setup = LiveGridClient.builder(servers.get(0).base(), sheet).build();
        List<LiveGridClient> clients = new ArrayList<>(List.of(setup));
        try {
            setup.connect().get(30, TimeUnit.SECONDS);
            List<String> cols = new ArrayList<>();
            for (String name : List.of("A", "B", "C")) {
                cols.add(setup.addColumn(name, null).get(30, TimeUnit.SECONDS).createdId().orElseThrow());
            }
            for (int r = 0; r < 6; r++) {
                setup.insertRow(null, Map.of(cols.get(0), "r" + r)).get(30, TimeUnit.SECONDS);
            }
            List<LiveGridClient> writers = new ArrayList<>();
            for (WildFlyServer server : servers) {
                for (int i = 0; i < CLIENTS_PER_SERVER; i++) {
                    LiveGridClient c = LiveGridClient.builder(server.base(), sheet).opTimeout(WAIT).build();
                    clients.add(c);
                    c.connect().get(30, TimeUnit.SECONDS);
                    writers.add(c);
                }
            }
            List<Applied> acked = ClusterLoad.runWriters(writers, OPS_EACH, 7, WAIT);
            long last = ClusterLoad.checkStore(postgres.jdbcUrl(), sheet, acked);
            Table reference = setup.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (LiveGridClient c : writers) {
                assertEquals(reference, c.awaitVersion(last, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            jakarta.json.JsonObject served = ClusterLoad.served(servers.get(0).base(), sheet);
            assertEquals(last, served.getJsonNumber("version").longValueExact(), "the first WildFly serves the last version");
            assertEquals(served, ClusterLoad.served(servers.get(1).base(), sheet), "the second serves the same table");
            System.out.printf("WILDFLY-CLUSTER: %d clients on 2 WildFly servers, %d ops acknowledged, versions 1..%d"
                    + " without a gap, all tables equal%n", writers.size(), acked.size(), last);
        } finally {
            clients.forEach(LiveGridClient::close);
        }
    }

    /**
     * WildFly keeps the driver out of the WAR's sight, so these servers cannot listen for each other's
     * signals: presence reaches the other server by its poll. Both join at the same moment, so neither
     * finds the other's row when its room opens.
     */
    @Test
    void whoIsHereIsTheSameOnBothServersAndCursorsMoveAcross() throws Exception {
        String sheet = "wildfly-presence";
        LiveGridClient setup = LiveGridClient.builder(servers.get(0).base(), sheet).build();
        setup.connect().get(30, TimeUnit.SECONDS);
        String col = setup.addColumn("A", null).get(30, TimeUnit.SECONDS).createdId().orElseThrow();
        String row = setup.insertRow(null, Map.of(col, "x")).get(30, TimeUnit.SECONDS).createdId().orElseThrow();
        setup.close();
        CompletableFuture<Void> annSeesBob = new CompletableFuture<>();
        CompletableFuture<Void> bobSeesAnn = new CompletableFuture<>();
        CompletableFuture<Void> bobSeesAnnsCursor = new CompletableFuture<>();
        LiveGridClient ann = LiveGridClient.builder(servers.get(0).base(), sheet).name("Ann").listener(new SheetListener() {
            @Override
            public void onPresence(List<User> users) {
                if (users.stream().anyMatch(u -> u.name().equals("Bob"))) {
                    annSeesBob.complete(null);
                }
            }
        }).build();
        LiveGridClient bob = LiveGridClient.builder(servers.get(1).base(), sheet).name("Bob").listener(new SheetListener() {
            @Override
            public void onPresence(List<User> users) {
                for (User u : users) {
                    if (u.name().equals("Ann")) {
                        bobSeesAnn.complete(null);
                        if (u.focus() != null && u.focus().row().equals(row)) {
                            bobSeesAnnsCursor.complete(null);
                        }
                    }
                }
            }
        }).build();
        try {
            CompletableFuture.allOf(ann.connect(), bob.connect()).get(30, TimeUnit.SECONDS);
            annSeesBob.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            bobSeesAnn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ann.focus(row, col);
            bobSeesAnnsCursor.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            ann.close();
            bob.close();
        }
    }
}
