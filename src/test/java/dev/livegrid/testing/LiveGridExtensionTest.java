package dev.livegrid.testing;

import dev.livegrid.config.AuthSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * LiveGridExtension as a user's test suite meets it: fixture classes (static nested, so Surefire
 * leaves them alone) run through JUnit's own engine, and what each of their tests saw is checked
 * afterwards: which server they got where, with which settings, that it served, and that it is
 * closed, with every thread it started gone, once the class or method is over.
 */
class LiveGridExtensionTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** What the fixtures saw, in order: "where:port". */
    static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();
    static final Queue<LiveGridServer> SERVERS = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
        SERVERS.clear();
    }

    @ExtendWith(LiveGridExtension.class)
    static class OneServerPerClass {
        OneServerPerClass(LiveGridServer server) {
            saw("constructor", server);
        }

        @BeforeAll
        static void beforeAll(LiveGridServer server) {
            saw("beforeAll", server);
        }

        @BeforeEach
        void beforeEach(LiveGridServer server) {
            saw("beforeEach", server);
        }

        @Test
        void first(LiveGridServer server) throws Exception {
            saw("test", server);
            assertEquals(200, get(server, "health/live").statusCode());
        }

        @Test
        void second(LiveGridServer server) throws Exception {
            saw("test", server);
            assertEquals(200, get(server, "api/sheets").statusCode());
        }
    }

    @Test
    void aClassSharesOneServerInjectedEverywhereAndClosedAfterIt() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        assertPassed(run(OneServerPerClass.class), 2);
        assertEquals(1, ports().size(), "one server for the whole class: " + SEEN);
        assertEquals(Set.of("constructor", "beforeAll", "beforeEach", "test"),
                SEEN.stream().map(s -> s.split(":")[0]).collect(Collectors.toSet()));
        LiveGridServer server = SERVERS.peek();
        assertEquals("127.0.0.1", server.settings().bind());
        assertEquals(Settings.IN_MEMORY, server.settings().dataDir());
        assertRefused(server.port());
        assertServerThreadsGone(before);
    }

    @LiveGridSettings(serverPerMethod = true)
    static class OneServerPerMethod {
        @BeforeEach
        void beforeEach(LiveGridServer server) {
            saw("beforeEach", server);
        }

        @Test
        void first(LiveGridServer server) {
            saw("test", server);
        }

        @Test
        void second(LiveGridServer server) {
            saw("test", server);
        }

        @AfterEach
        void afterEach(LiveGridServer server) {
            saw("afterEach", server);
        }
    }

    @Test
    void perMethodServersAreTheMethodsOwnAndClosedAfterEach() throws Exception {
        assertPassed(run(OneServerPerMethod.class), 2);
        assertEquals(2, ports().size(), "a server per method: " + SEEN);
        // beforeEach, the test and afterEach of one method see the same server.
        List<String> seen = List.copyOf(SEEN);
        for (int i = 0; i < seen.size(); i += 3) {
            String port = port(seen.get(i));
            assertEquals(port, port(seen.get(i + 1)));
            assertEquals(port, port(seen.get(i + 2)));
        }
        for (LiveGridServer server : SERVERS) {
            assertRefused(server.port());
        }
    }

    @LiveGridSettings(serverPerMethod = true)
    static class PerMethodServerInConstructor {
        PerMethodServerInConstructor(LiveGridServer server) {
            saw("constructor", server);
        }

        @Test
        void test() {
        }
    }

    @Test
    void aPerMethodServerCannotGoToTheConstructor() {
        run(PerMethodServerInConstructor.class).testEvents().assertStatistics(s -> s.failed(1))
                .failed().assertThatEvents().anyMatch(failedWith("exists only around each method"));
        assertTrue(SEEN.isEmpty());
    }

    @LiveGridSettings(pingInterval = "700ms", pongTimeout = "900ms", maxMessageSize = "64KiB",
            allowedOrigins = {"https://app.example", "https://other.example"}, settings = {"op-rate=7", "LIVEGRID_MAX_ROWS=99"})
    static class WithSettings {
        @Test
        void classSettings(LiveGridServer server) {
            saw("class", server);
        }

        @Test
        @LiveGridSettings(settings = "livegrid.op-rate=3")
        void methodSettings(LiveGridServer server) {
            saw("method", server);
        }
    }

    @Test
    void settingsComeFromTheClassAndTheMethodOnTop() {
        assertPassed(run(WithSettings.class), 2);
        Map<String, LiveGridServer> byWhere = byWhere();
        Settings classSettings = byWhere.get("class").settings();
        assertEquals(Duration.ofMillis(700), classSettings.pingInterval());
        assertEquals(Duration.ofMillis(900), classSettings.pongTimeout());
        assertEquals(64 * 1024, classSettings.maxMessageSize());
        assertEquals(Set.of("https://app.example", "https://other.example"), classSettings.allowedOrigins());
        assertEquals(7, classSettings.opRate());
        assertEquals(99, classSettings.maxRows());
        Settings methodSettings = byWhere.get("method").settings();
        assertNotEquals(byWhere.get("class").port(), byWhere.get("method").port(), "an annotated method has its own server");
        assertEquals(3, methodSettings.opRate());
        assertEquals(99, methodSettings.maxRows(), "the class's settings stay under the method's");
        assertEquals(Duration.ofMillis(700), methodSettings.pingInterval());
    }

    @LiveGridSettings(settings = "no-such-setting=1")
    static class UnknownSetting {
        @Test
        void test(LiveGridServer server) {
        }
    }

    @LiveGridSettings(settings = "op-rate=fast")
    static class BadValue {
        @Test
        void test(LiveGridServer server) {
        }
    }

    @Test
    void badSettingsFailTheTestSayingWhy() {
        run(UnknownSetting.class).testEvents().assertStatistics(s -> s.failed(1))
                .failed().assertThatEvents().anyMatch(failedWith("No LiveGrid setting is called 'no-such-setting'"));
        run(BadValue.class).testEvents().assertStatistics(s -> s.failed(1))
                .failed().assertThatEvents().anyMatch(failedWith("livegrid.op-rate"));
    }

    @LiveGridSettings(auth = "token")
    static class WithTokens {
        @Test
        void tokens(LiveGridServer server, LiveGridTokens tokens) throws Exception {
            saw("tokens", server);
            assertEquals(401, get(server, "api/sheets").statusCode());
            assertEquals(200, get(server, "api/sheets", tokens.withRole("alice", "editor")).statusCode());
            assertEquals(401, get(server, "api/sheets",
                    tokens.mint("alice", "Alice", Map.of("role", "editor"), Duration.ofMinutes(-5))).statusCode());
            assertEquals(401, get(server, "api/sheets",
                    LiveGridTokens.forSecret("another-secret-of-more-than-32-bytes!!").withRole("alice", "editor")).statusCode());
            // Joining a sheet that does not exist creates it, which takes an editor's role on it.
            assertEquals(403, handshake(server, "/sheets/team", tokens.withSheetRoles("bob", Map.of("team", "viewer"))));
            assertEquals(101, handshake(server, "/sheets/team", tokens.withSheetRoles("bob", Map.of("team", "editor"))));
        }
    }

    @Test
    void tokenModeGetsARandomSecretAndAMinterForIt() {
        assertPassed(run(WithTokens.class), 1);
        AuthSettings auth = SERVERS.peek().settings().auth();
        assertEquals(AuthSettings.Mode.TOKEN, auth.mode());
        assertTrue(auth.tokenSecret().length() >= 32);
    }

    @ExtendWith(LiveGridExtension.class)
    static class TokensWithoutTokenMode {
        @Test
        void test(LiveGridTokens tokens) {
        }
    }

    @Test
    void tokensNeedTokenMode() {
        run(TokensWithoutTokenMode.class).testEvents().assertStatistics(s -> s.failed(1))
                .failed().assertThatEvents().anyMatch(failedWith("auth = \"token\""));
    }

    @ExtendWith(LiveGridExtension.class)
    static class Outer {
        @Test
        void outer(LiveGridServer server) {
            saw("outer", server);
        }

        @Nested
        class Inherits {
            @Test
            void inner(LiveGridServer server) {
                saw("inherits", server);
            }
        }

        @Nested
        @LiveGridSettings(settings = "op-rate=9")
        class OwnSettings {
            @Test
            void inner(LiveGridServer server) {
                saw("own", server);
            }
        }
    }

    @Test
    void nestedClassesShareTheEnclosingServerUnlessTheyHaveSettings() {
        assertPassed(run(Outer.class), 3);
        Map<String, LiveGridServer> byWhere = byWhere();
        assertEquals(byWhere.get("outer").port(), byWhere.get("inherits").port());
        assertNotEquals(byWhere.get("outer").port(), byWhere.get("own").port());
        assertEquals(9, byWhere.get("own").settings().opRate());
        for (LiveGridServer server : byWhere.values()) {
            assertRefused(server.port());
        }
    }

    /** Eight tests that all wait for each other, so they can only pass when JUnit runs them at once. */
    @ExtendWith(LiveGridExtension.class)
    static class Parallel {
        static final CountDownLatch ALL_RUNNING = new CountDownLatch(8);

        @Test void t1(LiveGridServer s) throws Exception { together(s); }
        @Test void t2(LiveGridServer s) throws Exception { together(s); }
        @Test void t3(LiveGridServer s) throws Exception { together(s); }
        @Test void t4(LiveGridServer s) throws Exception { together(s); }
        @Test void t5(LiveGridServer s) throws Exception { together(s); }
        @Test void t6(LiveGridServer s) throws Exception { together(s); }
        @Test void t7(LiveGridServer s) throws Exception { together(s); }
        @Test void t8(LiveGridServer s) throws Exception { together(s); }

        private static void together(LiveGridServer server) throws Exception {
            saw("parallel", server);
            ALL_RUNNING.countDown();
            assertTrue(ALL_RUNNING.await(30, TimeUnit.SECONDS), "the tests did not run in parallel");
            assertEquals(200, get(server, "health/live").statusCode());
        }
    }

    @Test
    void parallelTestsOfAClassStartOneServer() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "8")
                .selectors(selectClass(Parallel.class)).execute();
        assertPassed(results, 8);
        assertEquals(1, ports().size(), "one server however many tests ask at once: " + SEEN);
    }

    /** Exactly {@code tests} tests ran and passed; otherwise says how each failure failed. */
    private static void assertPassed(EngineExecutionResults results, int tests) {
        String failures = results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(LiveGridExtensionTest::messages).orElse("?"))
                .collect(Collectors.joining("\n"));
        assertEquals("", failures);
        assertEquals(tests, results.testEvents().succeeded().count());
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    private static java.util.function.Predicate<Event> failedWith(String text) {
        return event -> event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(LiveGridExtensionTest::messages).filter(m -> m.contains(text)).isPresent();
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    static void saw(String where, LiveGridServer server) {
        SEEN.add(where + ":" + server.port());
        if (!SERVERS.contains(server)) {
            SERVERS.add(server);
        }
    }

    private static Set<String> ports() {
        return SEEN.stream().map(LiveGridExtensionTest::port).collect(Collectors.toSet());
    }

    private static String port(String seen) {
        return seen.substring(seen.indexOf(':') + 1);
    }

    private static Map<String, LiveGridServer> byWhere() {
        Map<String, String> ports = SEEN.stream().collect(Collectors.toMap(s -> s.split(":")[0], LiveGridExtensionTest::port, (a, b) -> a));
        return ports.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> SERVERS.stream()
                .filter(s -> String.valueOf(s.port()).equals(e.getValue())).findFirst().orElseThrow()));
    }

    static HttpResponse<String> get(LiveGridServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(LiveGridServer server, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a WebSocket handshake with this bearer token: 101, or the status it was refused with. */
    static int handshake(LiveGridServer server, String path, String token) {
        try {
            HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(server.webSocketUri(path), new WebSocket.Listener() {
                    }).join().sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static void assertRefused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            throw new AssertionError("port " + port + " still accepts connections after its test");
        } catch (IOException expected) {
            // closed, as it should be
        }
    }

    /** Every thread started while the fixture ran has ended, but the JDK HTTP client's and JUnit's pools. */
    private static void assertServerThreadsGone(Set<Thread> before) throws InterruptedException {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (!before.contains(thread) && !name.startsWith("HttpClient") && !name.startsWith("ForkJoinPool")) {
                thread.join(5000);
                assertFalse(thread.isAlive(), "still running after the class: " + name);
            }
        }
    }
}
