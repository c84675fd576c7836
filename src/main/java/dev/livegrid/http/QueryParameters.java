package dev.livegrid.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's query as {@code application/x-www-form-urlencoded} parameters: {@code name=value}
 * pairs joined by {@code &}, percent-decoded as UTF-8, {@code +} read as a space.
 */
final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** @throws ApiFailure 400 {@code bad-query} when the query has a malformed percent escape */
    static QueryParameters parse(String query) throws ApiFailure {
        Map<String, List<String>> values = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
        return new QueryParameters(values);
    }

    /**
     * The one value of a parameter, or null when it is absent.
     *
     * @throws ApiFailure 400 {@code bad-query} when it is given more than once
     */
    String single(String name) throws ApiFailure {
        List<String> given = values.get(name);
        if (given == null) {
            return null;
        }
        if (given.size() > 1) {
            throw ApiFailure.of(400, "bad-query", "\"" + name + "\" is given " + given.size() + " times; give it once");
        }
        return given.get(0);
    }

    private static String decode(String text) throws ApiFailure {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiFailure.of(400, "bad-query", "the query has a malformed percent escape");
        }
    }
}
