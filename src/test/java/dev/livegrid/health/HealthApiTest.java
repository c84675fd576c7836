package dev.livegrid.health;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.ApiTraffic;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /health}, {@code /health/live} and {@code /health/ready} on the standalone server, over HTTP. */
@Timeout(60)
class HealthApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aFreshServerIsLiveAndReadyAndSaysSoInJson() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback())) {
            for (String path : new String[]{"/health", "/health/ready"}) {
                HttpResponse<String> ready = send(server, "GET", path, null);
                assertEquals(200, ready.statusCode(), ready.body());
                assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(""));
                assertTrue(ready.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
                JsonObject body = json(ready.body());
                assertEquals("up", body.getString("status"));
                assertEquals("up", body.getJsonObject("checks").getJsonObject("store").getString("status"));
                assertTrue(body.getJsonObject("checks").getJsonObject("store").getJsonNumber("ms").longValue() >= 0);
                assertEquals(0, body.getJsonObject("checks").getJsonObject("commits").getJsonNumber("runningMs").longValue());
            }
            HttpResponse<String> live = send(server, "GET", "/health/live", null);
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"up\"}", live.body());

            HttpResponse<String> head = send(server, "HEAD", "/health", null);
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            HttpResponse<String> post = send(server, "POST", "/health", null);
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            assertEquals(404, send(server, "GET", "/health/other", null).statusCode(), "not a health endpoint");
        }
    }

    @Test
    void withTokensOnlyAnAdminSeesReadinessWhileLivenessIsOpen() throws Exception {
        Tokens tokens = Tokens.hs256();
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)))) {
            assertEquals(200, send(server, "GET", "/health/live", null).statusCode());

            HttpResponse<String> anonymous = send(server, "GET", "/health", null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));

            HttpResponse<String> editor = send(server, "GET", "/health/ready", tokens.withRole("eve", "editor"));
            assertEquals(403, editor.statusCode());
            assertTrue(editor.body().contains("'eve' is not an admin"), editor.body());

            HttpResponse<String> forged = send(server, "GET", "/health", Tokens.hs256("another-secret-of-forty-bytes-0123456789")
                    .withRole("mallory", "admin"));
            assertEquals(401, forged.statusCode(), "a token signed with another key is refused");

            HttpResponse<String> admin = send(server, "GET", "/health", tokens.withRole("ops", "admin"));
            assertEquals(200, admin.statusCode(), admin.body());
            assertEquals("up", json(admin.body()).getString("status"));
        }
    }

    private static HttpResponse<String> send(LiveGridServer server, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return ApiTraffic.http(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
