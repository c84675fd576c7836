package dev.livegrid.deploy;

import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access control inside the WAR, on a real server: {@code auth=token} and {@code auth=container} side by
 * side in one server start. The WAR is deployed twice, as {@code livegrid-token.war} and
 * {@code livegrid-container.war} (context roots {@code /livegrid-token} and {@code /livegrid-container}),
 * each a copy of the WAR under test whose {@code web.xml} only gains the servlet context parameters
 * {@code livegrid.auth} (plus {@code livegrid.token-secret}) and a data directory of its own — the
 * WAR's own way of taking settings, and the only one that can differ between two deployments in one
 * JVM (system properties and environment variables apply to both and win over context parameters).
 * <p>
 * Container mode signs users in against the server's own realm, where a subclass's server creates
 * them as an operator would ({@link RealmUser}): two editors, a viewer, an admin and a user in no
 * LiveGrid group.
 * WebSocket clients send {@code Authorization: Basic …} with the handshake, as programs do (browsers
 * send what the user typed into the server's login prompt).
 * <p>
 * Each mode is checked for what issue 10 asks of it, as {@code AccessControlTest} does standalone:
 * 401 without (valid) credentials with the mode's {@code WWW-Authenticate}, 403 without a role on the
 * sheet, a viewer's ops rejected {@code read-only} on the socket and over HTTP, an editor's applied,
 * and an owner's change of a user's role reaching that user's open socket ({@code role}, then
 * {@code read-only}) and an admin's {@code none} closing it with 4003.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class DeployedAccessContract {

    static final String TOKEN_APP = "livegrid-token";
    static final String CONTAINER_APP = "livegrid-container";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final Tokens TOKENS = Tokens.hs256();

    static final RealmUser ERIN = new RealmUser("erin", "erin-Secret-7", "livegrid-editor");
    static final RealmUser BEN = new RealmUser("ben", "ben-Secret-7", "livegrid-editor");
    static final RealmUser VIC = new RealmUser("vic", "vic-Secret-7", "livegrid-viewer");
    static final RealmUser ADA = new RealmUser("ada", "ada-Secret-7", "livegrid-admin");
    /** Signed in by the server, but in no LiveGrid group. */
    static final RealmUser NORA = new RealmUser("nora", "nora-Secret-7", "staff");
    static final List<RealmUser> USERS = List.of(ERIN, BEN, VIC, ADA, NORA);

    DeployedServer server;
    Path work;

    /**
     * Starts the server with these WARs (the first is {@link DeployedServer#base()}) and these users in
     * its default realm, ready when {@code readyPath} answers 200 under each WAR's root.
     */
    abstract DeployedServer start(List<Path> wars, Path work, List<RealmUser> users, String readyPath) throws Exception;

    /** The WAR under test: {@code target/livegrid.war} for Jakarta EE servers. */
    Path war() {
        return Path.of(System.getProperty("livegrid.war", "target/livegrid.war")).toAbsolutePath();
    }

    /** The container-mode deployment's {@code livegrid.operator-token}. */
    private static final String OPERATOR_TOKEN = "operator-token-of-at-least-32-bytes-for-scrapers";

    @BeforeAll
    void startServer() throws Exception {
        Path war = war();
        assertTrue(Files.isRegularFile(war), "run `mvn package` first: no " + war);
        Path buildDir = Path.of(System.getProperty("livegrid.war", "target/livegrid.war")).toAbsolutePath().getParent();
        work = Files.createDirectories(buildDir.resolve("deploy-it")
                .resolve(getClass().getSimpleName() + "-" + System.currentTimeMillis()));
        Path wars = Files.createDirectories(work.resolve("wars"));
        Map<String, String> token = new LinkedHashMap<>();
        token.put("livegrid.auth", "token");
        token.put("livegrid.token-secret", Tokens.SECRET);
        token.put("livegrid.data-dir", work.resolve("data-token").toString());
        Map<String, String> container = new LinkedHashMap<>();
        container.put("livegrid.auth", "container");
        container.put("livegrid.data-dir", work.resolve("data-container").toString());
        container.put("livegrid.operator-token", OPERATOR_TOKEN);
        // Pages need no sign-in in either mode: a page answering 200 means the application has started.
        server = start(List.of(withContextParameters(war, wars.resolve(TOKEN_APP + ".war"), token),
                        withContextParameters(war, wars.resolve(CONTAINER_APP + ".war"), container)),
                work, USERS, "echo.html");
        System.out.printf("%s: both WARs answering after %.1f s at %s and %s%n", server.name(),
                server.bootTime().toMillis() / 1000.0, server.application(TOKEN_APP), server.application(CONTAINER_APP));
        String log = server.process().log();
        assertTrue(log.contains("LiveGrid started at /" + TOKEN_APP + "/") && log.contains("LiveGrid started at /"
                + CONTAINER_APP + "/"), "both deployments started\n" + server.process().logTail());
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * A copy of {@code war} at {@code target} whose {@code WEB-INF/web.xml} also declares these servlet
     * context parameters, as someone packaging the WAR with its settings would write them.
     */
    static Path withContextParameters(Path war, Path target, Map<String, String> parameters) throws Exception {
        Files.copy(war, target);
        try (FileSystem zip = FileSystems.newFileSystem(target)) {
            Path webXml = zip.getPath("WEB-INF", "web.xml");
            String xml = Files.readString(webXml);
            StringBuilder declared = new StringBuilder();
            parameters.forEach((name, value) -> declared.append("    <context-param><param-name>").append(name)
                    .append("</param-name><param-value>").append(escape(value)).append("</param-value></context-param>\n"));
            int end = xml.lastIndexOf("</web-app>");
            assertTrue(end > 0, "no </web-app> in the WAR's web.xml");
            Files.writeString(webXml, xml.substring(0, end) + declared + xml.substring(end));
        }
        return target;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---- token mode ----

    @Test
    void tokenModeRefusesAHandshakeOrCallWithoutAValidTokenWith401AndABearerChallenge() throws Exception {
        HttpResponse<?> none = SheetClient.refusedHandshake(ws(TOKEN_APP, "sheets/demo"), Map.of());
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"livegrid\"", challenge(none));
        String forged = Tokens.hs256("another-secret-of-forty-bytes-0123456789").withRole("eve", "admin");
        HttpResponse<?> refused = SheetClient.refusedHandshake(ws(TOKEN_APP, "sheets/demo"), Tokens.bearer(forged));
        assertEquals(401, refused.statusCode());
        assertTrue(challenge(refused).startsWith("Bearer realm=\"livegrid\", error=\"invalid_token\""), challenge(refused));
        assertEquals(401, SheetClient.refusedHandshakeStatus(URI.create(ws(TOKEN_APP, "sheets/demo") + "?access_token=garbage")),
                "a bad token in the query, as a browser sends it");

        HttpResponse<String> anonymous = http("GET", TOKEN_APP, "api/sheets/demo", Map.of(), null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("Bearer realm=\"livegrid\"", challenge(anonymous));
        assertEquals("unauthenticated", json(anonymous.body()).getString("code"));
        assertEquals(401, http("POST", TOKEN_APP, "api/sheets/demo/ops", Map.of(), SheetOps.addColumn("x", "y", null))
                .statusCode());
        assertEquals(401, http("GET", TOKEN_APP, "api/sheets/demo", Tokens.bearer(forged), null).statusCode());
    }

    @Test
    void tokenModeRefusesACallerWithoutARoleOnTheSheetWith403() throws Exception {
        String outsider = TOKENS.mint("outsider", Map.of("sheets", Map.of("elsewhere", "viewer")));
        assertEquals(403, SheetClient.refusedHandshake(ws(TOKEN_APP, "sheets/demo"), Tokens.bearer(outsider)).statusCode());
        HttpResponse<String> forbidden = http("GET", TOKEN_APP, "api/sheets/demo", Tokens.bearer(outsider), null);
        assertEquals(403, forbidden.statusCode());
        assertEquals("forbidden", json(forbidden.body()).getString("code"));
        String viewer = TOKENS.withRole("watcher", "viewer");
        String fresh = "never-created-" + System.nanoTime();
        assertEquals(403, SheetClient.refusedHandshake(ws(TOKEN_APP, "sheets/" + fresh), Tokens.bearer(viewer)).statusCode(),
                "a viewer may not create a sheet by joining it");
        assertEquals(404, http("GET", TOKEN_APP, "api/sheets/" + fresh, Tokens.bearer(viewer), null).statusCode(),
                "and it was not created");
    }

    @Test
    void tokenModeLetsAnEditorEditAndAViewerOnlyRead() throws Exception {
        String sheet = "token-roles-" + System.nanoTime();
        try (SheetClient editor = join(TOKEN_APP, sheet, Tokens.bearer(TOKENS.withRole("edna", "editor")))) {
            JsonObject welcome = editor.awaitWelcome();
            assertEquals("edna", welcome.getString("you"));
            assertEquals("owner", welcome.getString("role"), "its creator owns the new sheet");
            appliedOp(editor, SheetOps.addColumn("by-socket", "a", null));
            HttpResponse<String> posted = http("POST", TOKEN_APP, "api/sheets/" + sheet + "/ops",
                    Tokens.bearer(TOKENS.withRole("eddie", "editor")), SheetOps.addColumn("by-http", "b", null));
            assertEquals(200, posted.statusCode(), posted.body());
            editor.awaitVersion(2, WAIT);

            String viewerToken = TOKENS.withRole("vera", "viewer");
            // In the query, as a browser sends it (it cannot set headers on a WebSocket).
            try (SheetClient viewer = join(TOKEN_APP, sheet + "?access_token="
                    + URLEncoder.encode(viewerToken, StandardCharsets.UTF_8), Map.of())) {
                assertEquals("viewer", viewer.awaitWelcome().getString("role"));
                assertEquals("vera", viewer.you());
                assertViewerCannotEdit(viewer, TOKEN_APP, sheet, Tokens.bearer(viewerToken));
            }
        }
    }

    @Test
    void tokenModeAnOwnersChangeReachesTheOpenSocketAndNoneClosesIt4003() throws Exception {
        String sheet = "token-live-" + System.nanoTime();
        Map<String, String> owner = Tokens.bearer(TOKENS.withRole("owen", "editor"));
        Map<String, String> bob = Tokens.bearer(TOKENS.withRole("bob@example.com", "editor"));
        assertLiveAccessChanges(TOKEN_APP, sheet, owner, "owen", bob, "bob@example.com",
                Tokens.bearer(TOKENS.withRole("root", "admin")));
    }

    @Test
    void tokenModeShowsHealthToAnAdminOnlyAndLivenessToAnyone() throws Exception {
        assertEquals(200, http("GET", TOKEN_APP, "health/live", Map.of(), null).statusCode());
        HttpResponse<String> anonymous = http("GET", TOKEN_APP, "health", Map.of(), null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("Bearer realm=\"livegrid\"", challenge(anonymous));
        assertEquals(403, http("GET", TOKEN_APP, "health/ready", Tokens.bearer(TOKENS.withRole("eve", "editor")), null)
                .statusCode());
        HttpResponse<String> admin = http("GET", TOKEN_APP, "health", Tokens.bearer(TOKENS.withRole("ops", "admin")), null);
        assertEquals(200, admin.statusCode(), admin.body());
        assertEquals("up", json(admin.body()).getString("status"));
    }

    // ---- container mode ----

    @Test
    void containerModeAnswersMissingOrWrongCredentialsWith401AndTheServersBasicChallenge() throws Exception {
        URI demo = ws(CONTAINER_APP, "sheets/demo");
        for (Map<String, String> credentials : List.of(Map.<String, String>of(),
                RealmUser.basic(ERIN.name(), "not-her-password"), RealmUser.basic("nobody", "nobody-Secret-7"))) {
            HttpResponse<?> handshake = SheetClient.refusedHandshake(demo, credentials);
            assertEquals(401, handshake.statusCode(), "handshake with " + credentials);
            assertTrue(challenge(handshake).startsWith("Basic realm=\"livegrid\""), challenge(handshake));
            HttpResponse<String> call = http("GET", CONTAINER_APP, "api/sheets/demo", credentials, null);
            assertEquals(401, call.statusCode(), "GET with " + credentials);
            assertTrue(challenge(call).startsWith("Basic realm=\"livegrid\""), challenge(call));
        }
        assertEquals(401, http("POST", CONTAINER_APP, "api/sheets/demo/ops", Map.of(), SheetOps.addColumn("x", "y", null))
                .statusCode());
        assertEquals(401, SheetClient.refusedHandshake(demo, Tokens.bearer(TOKENS.withRole("eve", "admin"))).statusCode(),
                "a token means nothing to the server's login");
    }

    @Test
    void containerModeLetsTheOperatorTokenReadMetricsAndHealthWithoutTheServersLogin() throws Exception {
        HttpResponse<String> metrics = http("GET", CONTAINER_APP, "metrics", Map.of("Authorization", "Bearer " + OPERATOR_TOKEN), null);
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("livegrid_rooms_open"), metrics.body());
        assertEquals(200, http("GET", CONTAINER_APP, "health", Map.of("Authorization", "Bearer " + OPERATOR_TOKEN), null).statusCode());
        HttpResponse<String> wrong = http("GET", CONTAINER_APP, "metrics", Map.of("Authorization", "Bearer " + OPERATOR_TOKEN + "x"), null);
        assertEquals(401, wrong.statusCode());
        assertTrue(challenge(wrong).startsWith("Basic realm=\"livegrid\""), challenge(wrong));
        assertEquals(401, http("GET", CONTAINER_APP, "api/sheets", Map.of("Authorization", "Bearer " + OPERATOR_TOKEN), null).statusCode(),
                "the operator token opens the operators' endpoints only");
    }

    @Test
    void containerModeShowsHealthToTheServersAdminsOnlyAndLivenessToAnyone() throws Exception {
        assertEquals(200, http("GET", CONTAINER_APP, "health/live", Map.of(), null).statusCode());
        HttpResponse<String> anonymous = http("GET", CONTAINER_APP, "health", Map.of(), null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(challenge(anonymous).startsWith("Basic realm=\"livegrid\""), challenge(anonymous));
        assertEquals(403, http("GET", CONTAINER_APP, "health", ERIN.basic(), null).statusCode());
        HttpResponse<String> admin = http("GET", CONTAINER_APP, "health/ready", ADA.basic(), null);
        assertEquals(200, admin.statusCode(), admin.body());
        assertEquals("up", json(admin.body()).getString("status"));
    }

    @Test
    void containerModeRefusesASignedInUserWithoutALivegridRoleWith403() throws Exception {
        assertEquals(403, SheetClient.refusedHandshake(ws(CONTAINER_APP, "sheets/demo"), NORA.basic()).statusCode());
        HttpResponse<String> forbidden = http("GET", CONTAINER_APP, "api/sheets/demo", NORA.basic(), null);
        assertEquals(403, forbidden.statusCode());
        assertEquals("forbidden", json(forbidden.body()).getString("code"));
        String fresh = "never-created-" + System.nanoTime();
        assertEquals(403, SheetClient.refusedHandshake(ws(CONTAINER_APP, "sheets/" + fresh), VIC.basic()).statusCode(),
                "a viewer may not create a sheet by joining it");
        assertEquals(404, http("GET", CONTAINER_APP, "api/sheets/" + fresh, VIC.basic(), null).statusCode());
    }

    @Test
    void containerModeLetsAnEditorEditAndAViewerOnlyRead() throws Exception {
        String sheet = "container-roles-" + System.nanoTime();
        try (SheetClient editor = join(CONTAINER_APP, sheet, ERIN.basic())) {
            JsonObject welcome = editor.awaitWelcome();
            assertEquals("erin", welcome.getString("you"), "the user is the server's principal");
            assertEquals("owner", welcome.getString("role"), "its creator owns the new sheet");
            appliedOp(editor, SheetOps.addColumn("by-socket", "a", null));
            HttpResponse<String> posted = http("POST", CONTAINER_APP, "api/sheets/" + sheet + "/ops", BEN.basic(),
                    SheetOps.addColumn("by-http", "b", null));
            assertEquals(200, posted.statusCode(), posted.body());
            editor.awaitVersion(2, WAIT);
            try (SheetClient viewer = join(CONTAINER_APP, sheet, VIC.basic())) {
                assertEquals("viewer", viewer.awaitWelcome().getString("role"), "from the server's group livegrid-viewer");
                assertEquals("vic", viewer.you());
                assertViewerCannotEdit(viewer, CONTAINER_APP, sheet, VIC.basic());
            }
        }
    }

    @Test
    void containerModeAnOwnersChangeReachesTheOpenSocketAndNoneClosesIt4003() throws Exception {
        String sheet = "container-live-" + System.nanoTime();
        assertLiveAccessChanges(CONTAINER_APP, sheet, ERIN.basic(), ERIN.name(), BEN.basic(), BEN.name(), ADA.basic());
    }

    // ---- shared by both modes ----

    /** A viewer's op is rejected read-only on its socket and 403 read-only over HTTP; reading is fine. */
    private void assertViewerCannotEdit(SheetClient viewer, String app, String sheet, Map<String, String> credentials)
            throws Exception {
        int columns = viewer.table().columnIds().size();
        viewer.sendOp(SheetOps.addColumn("sneaky", "no", null));
        JsonObject rejected = viewer.next("rejected", WAIT);
        assertEquals("read-only", rejected.getString("code"), rejected.toString());
        HttpResponse<String> posted = http("POST", app, "api/sheets/" + sheet + "/ops", credentials,
                SheetOps.addColumn("sneaky-http", "no", null));
        assertEquals(403, posted.statusCode(), posted.body());
        assertEquals("read-only", json(posted.body()).getString("code"));
        HttpResponse<String> read = http("GET", app, "api/sheets/" + sheet, credentials, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(columns, json(read.body()).getJsonArray("columns").size(), "nothing of the viewer's was applied");
        assertEquals(200, http("GET", app, "api/sheets/" + sheet + ".csv", credentials, null).statusCode());
    }

    /**
     * The creator of {@code sheet} (its owner) changes another editor's role while that editor's socket
     * is open: {@code viewer} arrives as a {@code role} message and the next op is rejected
     * {@code read-only}; {@code editor} restores editing. Then an admin, who owns every sheet without
     * an entry in its list, sets {@code none}: the socket is closed with 4003 and the next handshake
     * refused with 403; removing the entry gives the user the credentials' role back.
     */
    private void assertLiveAccessChanges(String app, String sheet, Map<String, String> owner, String ownerId,
                                         Map<String, String> other, String otherId, Map<String, String> admin)
            throws Exception {
        try (SheetClient creator = join(app, sheet, owner)) {
            assertEquals("owner", creator.awaitWelcome().getString("role"));
            appliedOp(creator, SheetOps.addColumn("c", "first", null));
            SheetClient bob = join(app, sheet, other);
            try {
                assertEquals("editor", bob.awaitWelcome().getString("role"));
                String entry = "api/sheets/" + sheet + "/access/" + URLEncoder.encode(otherId, StandardCharsets.UTF_8);
                assertEquals(403, http("PUT", app, "api/sheets/" + sheet + "/access/" + ownerId, other,
                        "{\"role\":\"none\"}").statusCode(), "an editor cannot manage the access list");

                HttpResponse<String> down = http("PUT", app, entry, owner, "{\"role\":\"viewer\"}");
                assertEquals(200, down.statusCode(), down.body());
                assertEquals("viewer", bob.next("role", WAIT).getString("role"));
                bob.sendOp(SheetOps.addColumn("after-downgrade", "no", null));
                assertEquals("read-only", bob.next("rejected", WAIT).getString("code"));

                assertEquals(200, http("PUT", app, entry, owner, "{\"role\":\"editor\"}").statusCode());
                assertEquals("editor", bob.next("role", WAIT).getString("role"));
                appliedOp(bob, SheetOps.addColumn("after-upgrade", "yes", null));

                JsonObject list = json(http("GET", app, "api/sheets/" + sheet + "/access", owner, null).body());
                Map<String, String> entries = new java.util.TreeMap<>();
                list.getJsonArray("entries").forEach(e -> entries.put(e.asJsonObject().getString("user"),
                        e.asJsonObject().getString("role")));
                assertEquals(Map.of(ownerId, "owner", otherId, "editor"), entries, list.toString());

                JsonObject listing = json(http("GET", app, "api/sheets", admin, null).body());
                assertTrue(listing.getJsonArray("sheets").stream().anyMatch(e -> sheet.equals(e.asJsonObject()
                        .getString("id"))), "an admin's listing shows every sheet: " + listing);
                assertEquals(200, http("PUT", app, entry, admin, "{\"role\":\"none\"}").statusCode());
                SheetClient.Closed closed = bob.awaitClose(WAIT);
                assertEquals(4003, closed.code(), closed.toString());
                assertEquals("access revoked", closed.reason());
                assertEquals(403, SheetClient.refusedHandshake(ws(app, "sheets/" + sheet), other).statusCode());
                assertEquals(403, http("GET", app, "api/sheets/" + sheet, other, null).statusCode());

                assertEquals(204, http("DELETE", app, entry, admin, null).statusCode());
                try (SheetClient back = join(app, sheet, other)) {
                    assertEquals("editor", back.awaitWelcome().getString("role"), "the credentials' role is back");
                }
            } finally {
                bob.close();
            }
            creator.awaitVersion(2, WAIT);
            assertEquals(2, creator.table().columnIds().size(), "the creator saw the editor's op and none of the viewer's");
        }
    }

    // ---- helpers ----

    /** The WebSocket URI of {@code relative} under the root of the application {@code app}. */
    URI ws(String app, String relative) {
        URI root = server.application(app);
        return URI.create("ws://" + root.getRawAuthority() + root.getRawPath() + relative);
    }

    /** A client on {@code sheet} (an id, with a query if wanted) of {@code app}, after its welcome. */
    SheetClient join(String app, String sheet, Map<String, String> headers) throws Exception {
        SheetClient client = new SheetClient().connect(ws(app, "sheets/" + sheet), headers);
        try {
            client.awaitWelcome();
        } catch (AssertionError | Exception e) {
            client.close();
            throw e;
        }
        return client;
    }

    HttpResponse<String> http(String method, String app, String relative, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.application(app).resolve(relative))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the op and returns the op of its {@code applied} message, failing at once on its rejection. */
    static JsonObject appliedOp(SheetClient client, String op) throws Exception {
        String id = json(op).getString("id");
        client.sendOp(op);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject m = client.poll(Duration.ofMillis(250));
            if (m != null && id.equals(m.getString("id", null))) {
                assertEquals("applied", m.getString("type"), "op " + op + " was answered " + m);
                return m.getJsonObject("op");
            }
        }
        throw new AssertionError("op " + op + " was not answered within " + WAIT + "; closed: " + client.closedOrNull());
    }

    static String challenge(HttpResponse<?> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse("(no WWW-Authenticate)");
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
