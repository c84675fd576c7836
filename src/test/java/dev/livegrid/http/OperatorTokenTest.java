package dev.livegrid.http;

import dev.livegrid.config.InvalidSettingException;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code operator-token}: its bearer reads {@code /health} and {@code /metrics} on a server with
 * access control, and nothing else; a wrong one is refused like any bad credential; a short one stops
 * start-up, and the secret never shows in the settings' text.
 */
class OperatorTokenTest {

    private static final String OPERATOR = "operator-secret-of-more-than-32-bytes-0123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LiveGridServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LiveGridServer.start(TestSettings.loopback().with(Map.of(Setting.AUTH, "token",
                Setting.TOKEN_SECRET, Tokens.SECRET, Setting.OPERATOR_TOKEN, OPERATOR)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void itsBearerReadsMetricsAndHealth() throws Exception {
        HttpResponse<String> metrics = get("metrics", "Bearer " + OPERATOR);
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("livegrid_connections_open"));
        assertEquals(200, get("health", "Bearer " + OPERATOR).statusCode());
        assertEquals(200, get("health/ready", "bearer " + OPERATOR).statusCode(), "the scheme is case-insensitive");
    }

    @Test
    void aWrongOrMissingOneIsRefusedAsCredentials() throws Exception {
        for (String wrong : new String[]{"Bearer " + OPERATOR.substring(1), "Bearer " + OPERATOR + "0", "Basic " + OPERATOR}) {
            HttpResponse<String> refused = get("metrics", wrong);
            assertEquals(401, refused.statusCode(), wrong);
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"livegrid\""));
        }
        assertEquals(401, get("metrics", null).statusCode());
        assertEquals(403, get("metrics", "Bearer " + Tokens.hs256().withRole("eve", "editor")).statusCode(),
                "an editor is still not an admin");
        assertEquals(200, get("metrics", "Bearer " + Tokens.hs256().withRole("ops", "admin")).statusCode());
    }

    @Test
    void itOpensNothingElse() throws Exception {
        assertEquals(401, get("api/sheets", "Bearer " + OPERATOR).statusCode());
    }

    @Test
    void aShortOneStopsStartUpAndNoneIsEverShown() {
        InvalidSettingException shortOne = assertThrows(InvalidSettingException.class,
                () -> Settings.defaults().with(Setting.OPERATOR_TOKEN, "too-short"));
        assertTrue(shortOne.getMessage().contains("livegrid.operator-token"), shortOne.getMessage());
        assertFalse(shortOne.getMessage().contains("too-short"), "the secret stays out of the message");
        assertFalse(server.settings().describe().contains(OPERATOR), "the secret stays out of the start-up log");
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
