package dev.livegrid.access;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.PresenceModel;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token mode on a real standalone server: who may join, read, edit, delete and manage a sheet, over
 * sockets and HTTP alike, and access-list changes reaching open connections at once.
 */
@Timeout(60)
class AccessControlTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Tokens TOKENS = Tokens.hs256();
    private static LiveGridServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI sheet(String id) {
        return server.webSocketUri("/sheets/" + id);
    }

    private static SheetClient join(String id, String token) throws Exception {
        SheetClient client = new SheetClient().connect(sheet(id), Tokens.bearer(token));
        client.awaitWelcome();
        return client;
    }

    private static HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return ApiTraffic.http(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()), body);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String editor(String sub) {
        return TOKENS.withRole(sub, "editor");
    }

    @Test
    void aHandshakeWithoutOrWithABadTokenIs401WithAChallenge() throws Exception {
        HttpResponse<?> none = SheetClient.refusedHandshake(sheet("demo"), Map.of());
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"livegrid\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<?> forged = SheetClient.refusedHandshake(sheet("demo"),
                Tokens.bearer(Tokens.hs256("another-secret-of-forty-bytes-0123456789").withRole("eve", "admin")));
        assertEquals(401, forged.statusCode());
        assertTrue(forged.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        HttpResponse<?> basic = SheetClient.refusedHandshake(sheet("demo"), Map.of("Authorization", "Basic YTpi"));
        assertEquals(401, basic.statusCode());
        // in the query, as a browser sends it
        assertEquals(401, SheetClient.refusedHandshakeStatus(URI.create(sheet("demo") + "?access_token=garbage")));
    }

    @Test
    void aTokenInTheQueryWorksAsABrowserSendsIt() throws Exception {
        String token = TOKENS.mint("query-user", Map.of("role", "editor"));
        SheetClient client = new SheetClient().connect(URI.create(sheet("query-sheet") + "?access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&name=Ignored"));
        try {
            JsonObject welcome = client.awaitWelcome();
            assertEquals("query-user", welcome.getString("you"));
            assertEquals("owner", welcome.getString("role"), "its creator owns the new sheet");
        } finally {
            client.close();
        }
    }

    @Test
    void noRoleOnTheSheetIs403AndCreatingOneTakesTheEditorRole() throws Exception {
        String onlyTeam = TOKENS.mint("outsider", Map.of("sheets", Map.of("team-x", "viewer")));
        assertEquals(403, SheetClient.refusedHandshake(sheet("demo"), Tokens.bearer(onlyTeam)).statusCode());
        String viewerEverywhere = TOKENS.withRole("watcher", "viewer");
        assertEquals(403, SheetClient.refusedHandshake(sheet("not-created-yet"), Tokens.bearer(viewerEverywhere))
                .statusCode(), "a viewer may not create a sheet by joining it");
        assertEquals(404, http("GET", "api/sheets/not-created-yet", viewerEverywhere, null).statusCode(),
                "and it was not created");
    }

    @Test
    void aViewerReadsButItsOpsAreRejectedReadOnlyAndPresenceShowsTheTokensName() throws Exception {
        try (SheetClient owner = new SheetClient().keepPresence(true).connect(sheet("viewing"), Tokens.bearer(editor("olga")))) {
            owner.awaitWelcome();
            owner.sendOp(SheetOps.addColumn("col", "x", null));
            owner.awaitAllAnswered(SheetClient.TIMEOUT);
            String viewerToken = TOKENS.mint(b -> b.subject("vera").claim("name", "Vera V.")
                    .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(3600)))
                    .claim("livegrid", Map.of("role", "viewer")));
            SheetClient viewer = new SheetClient().connect(URI.create(sheet("viewing") + "?name=Mallory"),
                    Tokens.bearer(viewerToken));
            try {
                JsonObject welcome = viewer.awaitWelcome();
                assertEquals("viewer", welcome.getString("role"));
                assertEquals("vera", welcome.getString("you"));
                viewer.sendOp(SheetOps.addColumn("sneaky", "y", null));
                JsonObject rejected = viewer.next("rejected");
                assertEquals("read-only", rejected.getString("code"));
                assertEquals(1, viewer.table().columnIds().size(), "nothing was applied");
                owner.awaitUsers(users -> users.containsKey("vera"), SheetClient.TIMEOUT, "the viewer is listed");
                List<String> names = owner.users().values().stream().map(PresenceModel.User::name).toList();
                assertTrue(names.contains("Vera V."), names.toString());
                assertFalse(names.contains("Mallory"), "name= is ignored with a token: " + names);
                assertEquals("read-only", json(http("POST", "api/sheets/viewing/ops", viewerToken,
                        SheetOps.addColumn("sneaky2", "z", null)).body()).getString("code"));
                assertEquals(403, http("POST", "api/sheets/viewing/ops", viewerToken,
                        SheetOps.addColumn("sneaky3", "z", null)).statusCode());
                assertEquals(200, http("GET", "api/sheets/viewing", viewerToken, null).statusCode());
                assertEquals(200, http("GET", "api/sheets/viewing.csv", viewerToken, null).statusCode());
            } finally {
                viewer.close();
            }
        }
    }

    @Test
    void httpNeedsATokenAndTheRoleForEachCall() throws Exception {
        try (SheetClient creator = join("http-sheet", editor("hugo"))) {
            creator.sendOp(SheetOps.addColumn("col", "x", null));
            creator.awaitAllAnswered(SheetClient.TIMEOUT);
        }
        HttpResponse<String> anonymous = http("GET", "api/sheets/http-sheet", null, null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("unauthenticated", json(anonymous.body()).getString("code"));
        assertEquals("Bearer realm=\"livegrid\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, http("POST", "api/sheets/http-sheet/ops", null, SheetOps.addColumn("a", "b", null)).statusCode());
        assertEquals(401, http("DELETE", "api/sheets/http-sheet", null, null).statusCode());
        assertEquals(401, http("GET", "api/sheets", null, null).statusCode());

        String otherEditor = editor("ivan");
        assertEquals(200, http("POST", "api/sheets/http-sheet/ops", otherEditor, SheetOps.addColumn("by-ivan", "b", null))
                .statusCode());
        JsonObject history = json(http("GET", "api/sheets/http-sheet", otherEditor, null).body());
        assertEquals(2, history.getJsonArray("columns").size());
        HttpResponse<String> notOwner = http("DELETE", "api/sheets/http-sheet", otherEditor, null);
        assertEquals(403, notOwner.statusCode());
        assertEquals("forbidden", json(notOwner.body()).getString("code"));
        String stranger = TOKENS.mint("stranger", Map.of("sheets", Map.of("elsewhere", "owner")));
        assertEquals(403, http("GET", "api/sheets/http-sheet", stranger, null).statusCode());
        assertEquals(403, http("GET", "api/sheets/http-sheet/history?row=r1&col=c1", stranger, null).statusCode());
        assertEquals(204, http("DELETE", "api/sheets/http-sheet", editor("hugo"), null).statusCode(), "its creator owns it");
    }

    @Test
    void theListingShowsWhatTheCallerMayReadAndEverythingToAnAdmin() throws Exception {
        try (SheetClient a = join("list-a", editor("lena")); SheetClient b = join("list-b", editor("lena"))) {
            a.sendOp(SheetOps.addColumn("c", "x", null));
            b.sendOp(SheetOps.addColumn("c", "x", null));
            a.awaitAllAnswered(SheetClient.TIMEOUT);
            b.awaitAllAnswered(SheetClient.TIMEOUT);
        }
        String onlyA = TOKENS.mint("only-a", Map.of("sheets", Map.of("list-a", "viewer")));
        Set<String> seen = ids(http("GET", "api/sheets", onlyA, null).body());
        assertTrue(seen.contains("list-a") && !seen.contains("list-b"), seen.toString());
        Set<String> owned = ids(http("GET", "api/sheets", TOKENS.mint("lena", null), null).body());
        assertTrue(owned.containsAll(Set.of("list-a", "list-b")), "her access-list entries show them: " + owned);
        Set<String> all = ids(http("GET", "api/sheets", TOKENS.withRole("root", "admin"), null).body());
        assertTrue(all.containsAll(Set.of("list-a", "list-b")), all.toString());
    }

    private static Set<String> ids(String listing) {
        return json(listing).getJsonArray("sheets").stream().map(s -> s.asJsonObject().getString("id"))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void anAccessListChangeReachesTheUsersOpenConnectionsAtOnce() throws Exception {
        String ownerToken = editor("owen");
        try (SheetClient owner = join("live-access", ownerToken)) {
            owner.sendOp(SheetOps.addColumn("col", "x", null));
            owner.awaitAllAnswered(SheetClient.TIMEOUT);
            JsonObject list = json(http("GET", "api/sheets/live-access/access", ownerToken, null).body());
            assertEquals("owen", list.getJsonArray("entries").getJsonObject(0).getString("user"));
            assertEquals("owner", list.getJsonArray("entries").getJsonObject(0).getString("role"));

            String bobToken = editor("bob@example.com");
            SheetClient bob = join("live-access", bobToken);
            try {
                assertEquals(403, http("PUT", "api/sheets/live-access/access/owen", bobToken, "{\"role\":\"none\"}")
                        .statusCode(), "an editor cannot manage the list");
                String bobPath = "api/sheets/live-access/access/" + URLEncoder.encode("bob@example.com", StandardCharsets.UTF_8);
                HttpResponse<String> down = http("PUT", bobPath, ownerToken, "{\"role\":\"viewer\"}");
                assertEquals(200, down.statusCode(), down.body());
                assertEquals("viewer", bob.next("role").getString("role"));
                bob.sendOp(SheetOps.addColumn("after-downgrade", "y", null));
                assertEquals("read-only", bob.next("rejected").getString("code"));

                assertEquals(200, http("PUT", bobPath, ownerToken, "{\"role\":\"editor\"}").statusCode());
                assertEquals("editor", bob.next("role").getString("role"));
                bob.sendOp(SheetOps.addColumn("after-upgrade", "y", null));
                bob.awaitAllAnswered(SheetClient.TIMEOUT);
                assertEquals(2, bob.table().columnIds().size());

                assertEquals(200, http("PUT", bobPath, ownerToken, "{\"role\":\"none\"}").statusCode());
                SheetClient.Closed closed = bob.awaitClose(SheetClient.TIMEOUT);
                assertEquals(4003, closed.code(), closed.toString());
                assertEquals("access revoked", closed.reason());
                assertEquals(403, SheetClient.refusedHandshake(sheet("live-access"), Tokens.bearer(bobToken)).statusCode());
                assertEquals(403, http("GET", "api/sheets/live-access", bobToken, null).statusCode());

                assertEquals(204, http("DELETE", bobPath, ownerToken, null).statusCode());
                try (SheetClient back = join("live-access", bobToken)) {
                    assertEquals("editor", back.awaitWelcome().getString("role"), "his token's claim is back");
                }
                assertEquals(400, http("PUT", bobPath, ownerToken, "{\"role\":\"god\"}").statusCode());
                assertEquals(400, http("PUT", bobPath, ownerToken, "not json").statusCode());
            } finally {
                bob.close();
            }
        }
    }

    @Test
    void aFreshTokenKeepsTheConnectionAndAnExpiredOneClosesIt4001() throws Exception {
        Tokens tokens = TOKENS;
        // Accepted within the minute of leeway, so it expires for the connection two seconds from now.
        String almostExpired = tokens.mint(b -> b.subject("tess").expirationTime(java.util.Date.from(
                java.time.Instant.now().minusSeconds(58))).claim("livegrid", Map.of("role", "editor")));
        join("expiry", editor("creator-of-expiry")).close(); // so that tess has no owner entry here
        SheetClient refreshed = join("expiry", almostExpired);
        SheetClient stale = join("expiry", almostExpired);
        try {
            refreshed.send("{\"type\":\"auth\",\"token\":\"" + tokens.mint("someone-else", Map.of("role", "editor")) + "\"}");
            assertEquals("bad-token", refreshed.next("error").getString("code"));
            refreshed.send("{\"type\":\"auth\",\"token\":\"" + tokens.mint("tess", Map.of("role", "viewer")) + "\"}");
            assertTrue(refreshed.next("authenticated").containsKey("expires"));
            assertEquals("viewer", refreshed.next("role").getString("role"), "the fresh token's roles apply");

            SheetClient.Closed closed = stale.awaitClose(Duration.ofSeconds(20));
            assertEquals(4001, closed.code(), closed.toString());
            assertEquals("token expired", closed.reason());
            assertTrue(refreshed.staysOpenFor(Duration.ofSeconds(1)), "closed: " + refreshed.closedOrNull());
            assertNull(refreshed.closedOrNull());
        } finally {
            refreshed.close();
            stale.close();
        }
    }

    @Test
    void accessListsSurviveARestartAndDoNotOutliveTheirSheet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Settings onDisk = TestSettings.loopback().with(Map.of(Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET,
                Setting.DATA_DIR, dir.toString()));
        String alice = editor("alice");
        String bob = editor("bob");
        try (LiveGridServer first = LiveGridServer.start(onDisk);
             SheetClient creator = new SheetClient().connect(first.webSocketUri("/sheets/kept"), Tokens.bearer(alice))) {
            assertEquals("owner", creator.awaitWelcome().getString("role"));
            assertEquals(200, put(first, "kept", "bob", alice, "viewer"));
        }
        try (LiveGridServer second = LiveGridServer.start(onDisk)) {
            try (SheetClient b = new SheetClient().connect(second.webSocketUri("/sheets/kept"), Tokens.bearer(bob))) {
                assertEquals("viewer", b.awaitWelcome().getString("role"), "bob's entry survived the restart");
            }
            try (SheetClient a = new SheetClient().connect(second.webSocketUri("/sheets/kept"), Tokens.bearer(alice))) {
                assertEquals("owner", a.awaitWelcome().getString("role"), "and so did alice's");
            }
            assertEquals(200, put(second, "kept", "bob", alice, "none"));
            assertEquals(204, send(second, "DELETE", "api/sheets/kept", alice, null).statusCode());
            // Created again by someone else: a new sheet, with nothing of the old access list.
            try (SheetClient carol = new SheetClient().connect(second.webSocketUri("/sheets/kept"), Tokens.bearer(editor("carol")))) {
                assertEquals("owner", carol.awaitWelcome().getString("role"));
            }
            try (SheetClient b = new SheetClient().connect(second.webSocketUri("/sheets/kept"), Tokens.bearer(bob))) {
                assertEquals("editor", b.awaitWelcome().getString("role"), "bob's old 'none' went with the deleted sheet");
            }
            JsonObject list = json(send(second, "GET", "api/sheets/kept/access", editor("carol"), null).body());
            assertEquals(1, list.getJsonArray("entries").size(), list.toString());
        }
    }

    private static int put(LiveGridServer on, String sheet, String user, String token, String role) throws Exception {
        return send(on, "PUT", "api/sheets/" + sheet + "/access/" + user, token, "{\"role\":\"" + role + "\"}").statusCode();
    }

    private static HttpResponse<String> send(LiveGridServer on, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.baseUri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        return ApiTraffic.http(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()), body);
    }

    @Test
    void tokensNeverReachTheLog() throws Exception {
        List<String> logged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getLoggerName() + " " + record.getMessage() + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + (record.getThrown() == null ? "" : record.getThrown().toString()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger livegrid = java.util.logging.Logger.getLogger("dev.livegrid");
        java.util.logging.Level before = livegrid.getLevel();
        livegrid.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger.getLogger("").addHandler(capture);
        String good = editor("logged-user");
        String forged = Tokens.hs256("another-secret-of-forty-bytes-0123456789").withRole("eve", "admin");
        try {
            try (SheetClient c = new SheetClient().connect(URI.create(sheet("log-sheet") + "?access_token=" + good))) {
                c.awaitWelcome();
                c.send("{\"type\":\"auth\",\"token\":\"" + forged + "\"}");
                c.next("error");
            }
            SheetClient.refusedHandshake(URI.create(sheet("log-sheet") + "?access_token=" + forged), Map.of());
            SheetClient.refusedHandshake(sheet("log-sheet"), Tokens.bearer(forged));
            http("GET", "api/sheets/log-sheet", forged, null);
            http("POST", "api/sheets/log-sheet/ops", good, "{broken");
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
            livegrid.setLevel(before);
        }
        for (String record : List.copyOf(logged)) {
            for (String token : List.of(good, forged, good.substring(good.lastIndexOf('.') + 1),
                    forged.substring(forged.lastIndexOf('.') + 1))) {
                assertFalse(record.contains(token), "a token (or its signature) was logged: " + record);
            }
        }
    }

    @Test
    void echoNeedsNoToken() throws Exception {
        HttpResponse<String> page = http("GET", "echo.html", null, null);
        assertEquals(200, page.statusCode());
        java.net.http.WebSocket echo = HTTP.newWebSocketBuilder().buildAsync(server.webSocketUri("/echo"),
                new java.net.http.WebSocket.Listener() {
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        echo.abort();
    }

    @Test
    void settingsRefuseAModeWithoutWhatItNeeds() {
        Settings loopback = TestSettings.loopback();
        dev.livegrid.config.InvalidSettingException noKey = org.junit.jupiter.api.Assertions.assertThrows(
                dev.livegrid.config.InvalidSettingException.class, () -> loopback.with(Setting.AUTH, "token"));
        assertEquals(Setting.AUTH, noKey.setting());
        dev.livegrid.config.InvalidSettingException container = org.junit.jupiter.api.Assertions.assertThrows(
                dev.livegrid.config.InvalidSettingException.class,
                () -> LiveGridServer.start(loopback.with(Setting.AUTH, "container")).close());
        assertEquals(Setting.AUTH, container.setting());
        assertEquals("127.0.0.1", Settings.defaults().bindAddress(), "auth none listens on this machine only");
        assertEquals("0.0.0.0", Settings.defaults().with(Map.of(Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET))
                .bindAddress());
        assertEquals("0.0.0.0", Settings.defaults().with(Setting.BIND, "0.0.0.0").bindAddress());
    }
}
