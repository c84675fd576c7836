package dev.livegrid.http;

import dev.livegrid.guard.QueryString;

import java.util.List;
import java.util.Map;

/**
 * A request's query parameters (see {@link QueryString}), with the HTTP API's answers to a
 * malformed or repeated one.
 */
final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** @throws ApiFailure 400 {@code bad-query} when the query has a malformed percent escape */
    static QueryParameters parse(String query) throws ApiFailure {
        try {
            return new QueryParameters(QueryString.parse(query));
        } catch (IllegalArgumentException e) {
            throw ApiFailure.of(400, "bad-query", "the query has a malformed percent escape");
        }
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

    /**
     * A yes/no parameter: {@code true}, or {@code false} when it is {@code false} or absent.
     *
     * @throws ApiFailure 400 {@code bad-query} when it is given more than once or is neither {@code true} nor {@code false}
     */
    boolean flag(String name) throws ApiFailure {
        String value = single(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiFailure.of(400, "bad-query", "\"" + name + "\" must be true or false, not '" + value + "'");
    }
}
