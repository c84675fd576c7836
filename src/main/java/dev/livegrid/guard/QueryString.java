package dev.livegrid.guard;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query string as {@code application/x-www-form-urlencoded} parameters: {@code name=value} pairs
 * joined by {@code &}, percent-decoded as UTF-8, {@code +} read as a space; a name without
 * {@code =} has the value "". Used by the handshake checks and by the HTTP API.
 */
public final class QueryString {

    private QueryString() {
    }

    /**
     * The parameters in order, every value of a repeated name kept.
     *
     * @throws IllegalArgumentException on a malformed percent escape
     */
    public static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : (query == null ? "" : query).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The query has a malformed percent escape: '" + text + "'.", e);
        }
    }
}
