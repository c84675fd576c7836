package dev.livegrid.client;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.livegrid.client.LiveGridClientTest.await;
import static dev.livegrid.client.LiveGridClientTest.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joining a server that signs users in with tokens, and the ways a join fails: each refusal is an
 * exception naming the HTTP status and the server's reason, and the client stops.
 */
@Timeout(60)
class ClientHandshakeTest {

    private static final Tokens TOKENS = Tokens.hs256();
    private static LiveGridServer server;
    private final List<LiveGridClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Map.of(Setting.AUTH, "token",
                Setting.TOKEN_SECRET, Tokens.SECRET)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(LiveGridClient::close);
    }

    private LiveGridClient client(URI base, String sheet, String token) {
        LiveGridClient.Builder builder = LiveGridClient.builder(base, sheet);
        if (token != null) {
            builder.token(token);
        }
        LiveGridClient client = builder.build();
        clients.add(client);
        return client;
    }

    @Test
    void withoutATokenTheJoinIsRefusedWith401() {
        Recorder saw = new Recorder();
        LiveGridClient client = client(server.baseUri(), "demo", null);
        client.addListener(saw);

        HandshakeRefusedException refused = assertInstanceOf(HandshakeRefusedException.class, failureOf(client.connect()));

        assertEquals(401, refused.status());
        assertTrue(refused.reason().contains("bearer token"), refused.reason());
        assertTrue(refused.getMessage().contains("HTTP 401"), refused.getMessage());
        assertTrue(refused.isFinal());
        saw.awaitStatus(Status.CLOSED);
        assertEquals(Status.CLOSED, client.status());
    }

    @Test
    void aTokenWithoutARoleOnTheSheetIsRefusedWith403() {
        LiveGridClient client = client(server.baseUri(), "demo", TOKENS.mint("nobody", null));

        HandshakeRefusedException refused = assertInstanceOf(HandshakeRefusedException.class, failureOf(client.connect()));

        assertEquals(403, refused.status());
    }

    @Test
    void aWrongContextPathIsRefusedWith404() {
        LiveGridClient client = client(server.baseUri().resolve("/no-such-context"), "demo",
                TOKENS.withRole("alice", "editor"));

        assertEquals(404, assertInstanceOf(HandshakeRefusedException.class, failureOf(client.connect())).status());
    }

    @Test
    void aServerThatIsNotThereFailsTheJoin() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        LiveGridClient client = client(URI.create("ws://127.0.0.1:" + closedPort), "demo", null);

        ConnectionClosedException failed = assertInstanceOf(ConnectionClosedException.class, failureOf(client.connect()));

        assertEquals(Disconnection.ABNORMAL, failed.disconnection().code());
        assertTrue(failed.getMessage().contains("cannot connect"), failed.getMessage());
    }

    @Test
    void aSignedInEditorEditsAndAViewerIsRefusedReadOnly() throws Exception {
        LiveGridClient editor = client(server.baseUri(), "signed-in", TOKENS.withRole("alice", "editor"));
        LiveGridClient viewer = client(server.baseUri(), "signed-in", TOKENS.withRole("victor", "viewer"));
        await(editor.connect());
        assertEquals("alice", editor.you());
        assertEquals("owner", editor.role()); // an editor who creates a sheet by joining owns it
        Applied column = await(editor.addColumn("A", null));
        await(viewer.connect());
        assertEquals("viewer", viewer.role());

        OpRejectedException refused = assertInstanceOf(OpRejectedException.class,
                failureOf(viewer.renameColumn(column.createdId().orElseThrow(), "mine")));

        assertEquals("read-only", refused.code());
        assertEquals("alice", column.by());
    }

    @Test
    void aFreshTokenIsTakenOnTheOpenConnectionAndOneForAnotherUserIsRefused() throws Exception {
        Recorder saw = new Recorder();
        LiveGridClient client = client(server.baseUri(), "fresh-tokens", TOKENS.withRole("alice", "editor"));
        client.addListener(saw);
        await(client.connect());

        await(client.authenticate(TOKENS.withRole("alice", "editor")));
        TokenRefusedException refused = assertInstanceOf(TokenRefusedException.class,
                failureOf(client.authenticate(TOKENS.withRole("mallory", "editor"))));

        assertTrue(refused.getMessage().contains("another user"), refused.getMessage());
        assertEquals(Status.OPEN, client.status()); // the connection keeps its token
        assertEquals(1, await(client.addColumn("still here", null)).version());
        assertEquals("bad-token", saw.errors().get(0).code());
    }
}
