package com.example.plain;

import com.example.echo.EchoClient;
import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** LiveGrid started and stopped by hand, without the extension: for other test frameworks, or a main method. */
class PlainStartTest {

    @Test
    void startsAndStopsWithoutTheExtension() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(Settings.defaults()
                .withPort(0).withBind("127.0.0.1").with(Setting.DATA_DIR, Settings.IN_MEMORY))) {
            URI echo = server.webSocketUri("/echo");          // ws://127.0.0.1:<free port>/echo
            URI page = server.baseUri().resolve("echo.html"); // http://127.0.0.1:<free port>/echo.html
            try (EchoClient client = EchoClient.connect(echo)) {
                client.send("hi").join();
                assertEquals("hi", client.receive(Duration.ofSeconds(10)));
            }
            assertEquals("http", page.getScheme());
        }
    }
}
