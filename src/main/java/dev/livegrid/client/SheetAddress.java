package dev.livegrid.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a sheet is: {@code ws://host:port[/context]/sheets/{sheetId}}, and the query of each join
 * (docs/PROTOCOL.md §7.1). The token is not part of it: it goes in an {@code Authorization} header,
 * which keeps it out of URLs and so out of logs.
 */
final class SheetAddress {

    private final String base;
    private final String sheet;

    private SheetAddress(String base, String sheet) {
        this.base = base;
        this.sheet = sheet;
    }

    /**
     * @param server {@code ws://host:port[/context]} ({@code wss:}; {@code http:} and {@code https:} are taken
     *               as their WebSocket counterparts, so {@code LiveGridServer.baseUri()} works as is)
     */
    static SheetAddress of(URI server, String sheet) {
        Objects.requireNonNull(server, "server");
        Arguments.id("sheetId", sheet);
        String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
        String webSocketScheme = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw new IllegalArgumentException("the server URI must be ws://, wss://, http:// or https://, not '"
                    + server + "'");
        };
        if (server.getRawAuthority() == null || server.getRawQuery() != null || server.getRawFragment() != null) {
            throw new IllegalArgumentException("the server URI is ws://host:port[/context], without query or fragment, not '"
                    + server + "'");
        }
        String path = server.getRawPath() == null ? "" : server.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new SheetAddress(webSocketScheme + "://" + server.getRawAuthority() + path, sheet);
    }

    String sheet() {
        return sheet;
    }

    /**
     * The URI of one join.
     *
     * @param name        the display name, or null for the server's default
     * @param since       the version to resume from, or null for a full welcome
     * @param incarnation the incarnation {@code since} belongs to (with {@code since} only)
     */
    URI join(String name, String clientKey, Long since, String incarnation) {
        StringBuilder uri = new StringBuilder(base).append("/sheets/").append(sheet).append("?client=").append(clientKey);
        if (name != null && !name.isEmpty()) {
            uri.append("&name=").append(encode(name));
        }
        if (since != null) {
            uri.append("&since=").append(since);
            if (incarnation != null) {
                uri.append("&incarnation=").append(encode(incarnation));
            }
        }
        return URI.create(uri.toString());
    }

    /** Percent-encoded as UTF-8, a space as {@code %20} (every runtime reads that as a space; not all read {@code +} so). */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return base + "/sheets/" + sheet;
    }
}
