package dev.livegrid.conformance;

import static dev.livegrid.support.RawWebSocket.BINARY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.PipelinedEcho;
import dev.livegrid.support.PipelinedEcho.Message;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.RawWebSocket.FrameSpec;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client may send messages without waiting for their echoes (RFC 6455 does not limit how many
 * frames are in flight), so the server reads many frames at once: every message within
 * {@code max-message-size} must come back, however many arrive in one read. The cases run on the
 * default limit (1 MiB) and on a raised one, each in several rounds after messages of the maximum
 * size — which made the standalone server's reads grow to several MiB and Tyrus answer 1011
 * "Buffer overflow." after a few echoes.
 */
class PipeliningConformanceTest {

    private static final int KIB = 1024;
    private static final int MESSAGES = 100;
    private static final int ROUNDS = 2;
    private static final int LARGE_MESSAGES = 3;

    /** Servers by their max-message-size: the default, and one raised for messages of several MiB. */
    private static final Map<String, LiveGridServer> servers = new LinkedHashMap<>();

    private final Random random = new Random(9);

    @BeforeAll
    static void startServers() throws IOException {
        for (String max : new String[] {"1MiB", "2MiB"}) {
            servers.put(max, LiveGridServer.start(TestSettings.loopback().with(Setting.MAX_MESSAGE_SIZE, max)));
        }
    }

    @AfterAll
    static void stopServers() {
        servers.values().forEach(LiveGridServer::close);
    }

    @ParameterizedTest(name = "max-message-size {0}")
    @ValueSource(strings = {"1MiB", "2MiB"})
    void hundredBinaryMessagesOf64KiBSentAtOnceAreAllEchoed(String max) throws IOException {
        assertPipelinedEchoes(max, round -> PipelinedEcho.binary(MESSAGES, 64 * KIB, 1, round));
    }

    @ParameterizedTest(name = "max-message-size {0}")
    @ValueSource(strings = {"1MiB", "2MiB"})
    void hundredTextMessagesOf64KiBSentAtOnceAreAllEchoed(String max) throws IOException {
        assertPipelinedEchoes(max, round -> PipelinedEcho.text(MESSAGES, 64 * KIB, 1, round));
    }

    @ParameterizedTest(name = "max-message-size {0}")
    @ValueSource(strings = {"1MiB", "2MiB"})
    void hundredFragmentedMessagesSentAtOnceComeBackWhole(String max) throws IOException {
        assertPipelinedEchoes(max, round -> round % 2 == 0
                ? PipelinedEcho.binary(MESSAGES, 64 * KIB, 4, round)
                : PipelinedEcho.text(MESSAGES, 64 * KIB, 5, round));
    }

    /** Pipelined messages of exactly the maximum size, each frame as large as a frame may be. */
    @ParameterizedTest(name = "max-message-size {0}")
    @ValueSource(strings = {"1MiB", "2MiB"})
    void messagesOfTheMaximumSizeSentAtOnceAreAllEchoed(String max) throws IOException {
        LiveGridServer server = servers.get(max);
        int size = (int) server.settings().maxMessageSize();
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
            PipelinedEcho.assertAllEchoed(ws, PipelinedEcho.binary(4, size, 1, 17));
            PipelinedEcho.assertAllEchoed(ws, PipelinedEcho.binary(4, size, 3, 18));
        }
    }

    /** Splitting large reads for Tyrus must not let anything past the frame guard. */
    @ParameterizedTest(name = "max-message-size {0}")
    @ValueSource(strings = {"1MiB", "2MiB"})
    void aFrameOverTheLimitBehindPipelinedMessagesStillClosesWith1009(String max) throws IOException {
        LiveGridServer server = servers.get(max);
        long limit = server.settings().maxMessageSize();
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
            echoLargeMessages(ws, (int) limit);
            byte[] oversize = ws.encode(FrameSpec.of(BINARY, new byte[0]).declaredLength(limit + 1));
            assertEquals(1009, PipelinedEcho.closeCodeAfterEchoes(ws, PipelinedEcho.binary(40, 64 * KIB, 1, 3), oversize));
        }
    }

    /**
     * In each round: a few messages of the maximum size on one connection, then the pipelined
     * messages on that connection and on a fresh one.
     */
    private void assertPipelinedEchoes(String max, Batch batch) throws IOException {
        LiveGridServer server = servers.get(max);
        for (int round = 0; round < ROUNDS; round++) {
            try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
                echoLargeMessages(ws, (int) server.settings().maxMessageSize());
                PipelinedEcho.assertAllEchoed(ws, batch.messages(round));
            }
            try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
                PipelinedEcho.assertAllEchoed(ws, batch.messages(round + ROUNDS));
            }
        }
    }

    /** One at a time, each echo awaited: the server writes and reads messages of the maximum size. */
    private void echoLargeMessages(RawWebSocket ws, int size) throws IOException {
        for (int i = 0; i < LARGE_MESSAGES; i++) {
            PipelinedEcho.assertAllEchoed(ws, PipelinedEcho.binary(1, size, 1, random.nextLong()));
        }
    }

    /** The messages of one round. */
    private interface Batch {
        List<Message> messages(int round);
    }
}
