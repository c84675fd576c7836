package dev.livegrid.bench;

import dev.livegrid.bench.peers.BareTyrusServer;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * How long an embedded server takes to start, as a test suite meets it (bench/startup.sh): in a fresh
 * JVM, {@code count} times in a row, start a server on a free port of 127.0.0.1, wait for the first
 * echo over a WebSocket, and stop it. The first start carries the class loading every later one is
 * spared. Prints one JSON line: the first start, and the median and the 90th percentile of the others.
 *
 * <pre>java -cp … dev.livegrid.bench.StartupTime livegrid|tyrus COUNT</pre>
 *
 * {@code livegrid} is {@code LiveGridServer.start} with sheets in memory, what LiveGridExtension
 * does; {@code tyrus} is the bare Tyrus/Grizzly peer of bench/compare.sh.
 */
public final class StartupTime {

    private StartupTime() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int count = Integer.parseInt(args[1]);
        HttpClient http = HttpClient.newHttpClient();
        List<Double> startsMs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long begun = System.nanoTime();
            try (AutoCloseable server = start(kind, http)) {
                startsMs.add((System.nanoTime() - begun) / 1e6);
            }
        }
        List<Double> later = startsMs.subList(1, startsMs.size()).stream().sorted().toList();
        System.out.printf(Locale.ROOT, "{\"server\":\"%s\",\"starts\":%d,\"first_ms\":%.1f,\"later_median_ms\":%.1f,\"later_p90_ms\":%.1f}%n",
                kind, count, startsMs.get(0), later.get(later.size() / 2), later.get((int) Math.ceil(later.size() * 0.9) - 1));
    }

    /** A started server, once it has echoed one message to a new WebSocket. */
    private static AutoCloseable start(String kind, HttpClient http) throws Exception {
        if (kind.equals("livegrid")) {
            LiveGridServer server = LiveGridServer.start(Settings.defaults().withPort(0).withBind("127.0.0.1")
                    .with(Setting.DATA_DIR, Settings.IN_MEMORY));
            echoOnce(http, server.webSocketUri("/echo"));
            return server;
        }
        BareTyrusServer.Running server = BareTyrusServer.start(0, 0);
        echoOnce(http, URI.create("ws://127.0.0.1:" + server.port() + "/echo"));
        return server;
    }

    private static void echoOnce(HttpClient http, URI uri) throws Exception {
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                echoed.complete(null);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        socket.sendText("ready?", true).get(10, TimeUnit.SECONDS);
        echoed.get(10, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
}
