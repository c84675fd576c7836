package dev.livegrid.standalone;

import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;

class ProbeScratchTest {
    @Test
    void probe() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            String[] reqs = {
                "GET /api/sheets/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                "DELETE /api/sheets/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                "DELETE /api/sheets/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                "DELETE /api/sheets/demo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "GET /api/sheets/demo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n\u00ff\u00fe",
                "GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                "GET /api/sheets HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
                };
            for (String q : reqs) {
                try (RawWebSocket raw = RawWebSocket.connect(server.port())) {
                    RawWebSocket.HttpResponse r = raw.exchange(q);
                    String b = r.body().replaceAll("\\s+", " ");
                    System.out.println("PROBE3 " + q.split("\r\n")[0] + " -> " + r.statusLine() + " " + r.headers() + " " + b.substring(0, Math.min(100, b.length())));
                } catch (Throwable t) {
                    System.out.println("PROBE3 " + q.split("\r\n")[0] + " -> " + t);
                }
            }
        }
    }
}
