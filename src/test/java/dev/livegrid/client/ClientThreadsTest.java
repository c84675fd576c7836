package dev.livegrid.client;

import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.testing.LiveGridSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.livegrid.client.LiveGridClientTest.await;

/** Closed clients leave no thread behind: neither their event threads nor any of the HTTP client's. */
@Timeout(60)
@LiveGridSettings
class ClientThreadsTest {

    /** The server's threads, in the same JVM: its pools may grow while the clients use it. */
    private static final Pattern SERVER_THREAD = Pattern.compile("tyrus-.*|Grizzly-.*|grizzly-.*|HttpServer-.*"
            + "|livegrid-(?!client-).*");

    /** One server for the class, from LiveGridExtension: 127.0.0.1, a free port, sheets in memory. */
    private final LiveGridServer server;

    ClientThreadsTest(LiveGridServer server) {
        this.server = server;
    }

    @Test
    void closedClientsLeaveNoThreadBehind() throws Exception {
        use(1); // the first client starts the shared HttpClient's selector thread, which lasts as long as the JVM
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        use(5);

        Eventually.until("every thread started by the clients ends", () -> startedSince(before).isEmpty(),
                () -> "; still running: " + startedSince(before).stream().map(Thread::getName).sorted().toList());
    }

    /** Connects {@code count} clients to one sheet, has each make an op and watch the others', then closes them. */
    private void use(int count) throws Exception {
        List<LiveGridClient> clients = IntStream.range(0, count)
                .mapToObj(i -> LiveGridClient.builder(server.baseUri(), "threads").name("client " + i).build())
                .toList();
        long version = 0;
        for (LiveGridClient client : clients) {
            await(client.connect());
            version = await(client.addColumn("C", null)).version();
        }
        for (LiveGridClient client : clients) {
            await(client.awaitVersion(version, Duration.ofSeconds(LiveGridClientTest.WAIT)));
            client.close();
        }
    }

    /** Live threads that are not in {@code before} and are not the server's. */
    private static Set<Thread> startedSince(Set<Thread> before) {
        Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
        now.removeAll(before);
        return now.stream().filter(t -> t.isAlive() && !SERVER_THREAD.matcher(t.getName()).matches())
                .collect(Collectors.toSet());
    }
}
