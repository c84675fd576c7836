package dev.livegrid.guard;

import dev.livegrid.access.ContainerUser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request seen at the point where it may become a WebSocket, independent of the server that
 * parsed it.
 *
 * @param method   request method, e.g. {@code GET}
 * @param protocol HTTP version, e.g. {@code HTTP/1.1}
 * @param path     request path without the query, e.g. {@code /echo}
 * @param query    raw query string without {@code ?}, or empty
 * @param headers  header values by lower-case name (repeated headers keep every value)
 * @param user     the user the Jakarta EE server authenticated for this request, or null
 */
public record Handshake(String method, String protocol, String path, String query, Map<String, List<String>> headers,
                        ContainerUser user) {

    /** A request without a server-authenticated user (the standalone server has none). */
    public Handshake(String method, String protocol, String path, String query, Map<String, List<String>> headers) {
        this(method, protocol, path, query, headers, null);
    }

    public Handshake {
        query = query == null ? "" : query;
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) ->
                lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        headers = Map.copyOf(lower);
    }

    /** The header's values joined with commas (as RFC 9110 allows for list headers), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    /** Whether a comma-separated header contains the token, ignoring case. */
    public boolean headerHasToken(String name, String token) {
        String value = header(name);
        if (value == null) {
            return false;
        }
        for (String item : value.split(",")) {
            if (item.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the client asks for a WebSocket at all: an {@code Upgrade} naming it or a WebSocket key. */
    public boolean asksForWebSocket() {
        return headerHasToken("Upgrade", "websocket") || header("Sec-WebSocket-Key") != null;
    }

    /**
     * This request as the WebSocket handshake a browser would send for it: the same method, protocol,
     * path, query and headers, plus the upgrade headers of RFC 6455 §4.1 (with the RFC's sample key).
     */
    public Handshake asUpgrade() {
        Map<String, List<String>> upgrade = new LinkedHashMap<>(headers);
        upgrade.put("upgrade", List.of("websocket"));
        upgrade.put("connection", List.of("Upgrade"));
        upgrade.put("sec-websocket-version", List.of(ProtocolCheck.SUPPORTED_VERSION));
        upgrade.put("sec-websocket-key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        return new Handshake(method, protocol, path, query, upgrade, user);
    }

    /**
     * The decoded query parameters in order; a parameter without {@code =} has the value "".
     *
     * @throws IllegalArgumentException on a malformed percent escape (the checks answer it with 400)
     */
    public Map<String, List<String>> parameters() {
        return QueryString.parse(query);
    }
}
