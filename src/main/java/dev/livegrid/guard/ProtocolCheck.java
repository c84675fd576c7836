package dev.livegrid.guard;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The client-handshake requirements of RFC 6455 §4.1/§4.2.1 that bare Tyrus answers with a 500 or
 * lets through: method GET over HTTP/1.1, {@code Connection: Upgrade}, {@code Upgrade: websocket},
 * a 16-byte base64 {@code Sec-WebSocket-Key}, and {@code Sec-WebSocket-Version: 13}.
 */
public final class ProtocolCheck implements HandshakeCheck {

    static final String SUPPORTED_VERSION = "13";

    @Override
    public Optional<Refusal> check(Handshake h) {
        if (!h.method().equals("GET")) {
            return Optional.of(new Refusal(405, "A WebSocket upgrade must use GET, not " + h.method() + ".",
                    Map.of("Allow", "GET")));
        }
        if (!h.protocol().equals("HTTP/1.1")) {
            return refuse("A WebSocket upgrade needs HTTP/1.1, not " + h.protocol() + ".");
        }
        if (!h.headerHasToken("Upgrade", "websocket")) {
            return refuse("Missing header 'Upgrade: websocket'.");
        }
        if (!h.headerHasToken("Connection", "upgrade")) {
            return refuse("Missing header 'Connection: Upgrade'.");
        }
        String version = h.header("Sec-WebSocket-Version");
        if (version == null) {
            return refuse("Missing header 'Sec-WebSocket-Version: 13'.");
        }
        if (!version.trim().equals(SUPPORTED_VERSION)) {
            return Optional.of(new Refusal(426, "Unsupported Sec-WebSocket-Version '" + version + "'; this server speaks 13.",
                    Map.of("Sec-WebSocket-Version", SUPPORTED_VERSION)));
        }
        String key = h.header("Sec-WebSocket-Key");
        if (key == null) {
            return refuse("Missing header 'Sec-WebSocket-Key'.");
        }
        if (!isSixteenBytesOfBase64(key.trim())) {
            return refuse("Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters).");
        }
        return Optional.empty();
    }

    private static boolean isSixteenBytesOfBase64(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<Refusal> refuse(String message) {
        return Optional.of(Refusal.of(400, message));
    }
}
