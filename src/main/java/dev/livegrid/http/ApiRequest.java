package dev.livegrid.http;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP request to the API, independent of the server that parsed it.
 *
 * @param method  request method, e.g. {@code GET}
 * @param path    the path relative to the application root, without the query and not decoded, e.g.
 *                {@code /api/sheets/demo} (standalone the request URI; in a WAR the URI minus the
 *                context path)
 * @param query   the query as sent, after the {@code ?} and not decoded, e.g. {@code row=r1&col=c2};
 *                empty when there is none
 * @param headers a case-insensitive header lookup
 * @param body    the request body decoded as UTF-8; empty when there is none
 * @param remoteAddress the client's IP address as the server reports it, without port (e.g.
 *                {@code 203.0.113.7}, {@code 0:0:0:0:0:0:0:1}); empty when unknown. Anonymous ops are
 *                rate-limited per address.
 */
public record ApiRequest(String method, String path, String query, Headers headers, String body,
                         String remoteAddress) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        query = query == null ? "" : query;
        body = body == null ? "" : body;
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
    }

    /** A request from an unknown address. */
    public ApiRequest(String method, String path, String query, Headers headers, String body) {
        this(method, path, query, headers, body, "");
    }

    /** A request without a query. */
    public ApiRequest(String method, String path, Headers headers, String body) {
        this(method, path, "", headers, body);
    }

    /** A request with headers from a map (names in any case), for tests and simple callers. */
    public static ApiRequest of(String method, String path, Map<String, String> headers, String body) {
        return new ApiRequest(method, path, Headers.of(headers), body);
    }

    /**
     * A request for a target as in a request line, {@code path?query} (the query is split off at the
     * first {@code ?}), with headers from a map, for tests and simple callers.
     */
    public static ApiRequest ofTarget(String method, String target, Map<String, String> headers, String body) {
        int q = target.indexOf('?');
        return q < 0 ? of(method, target, headers, body)
                : new ApiRequest(method, target.substring(0, q), target.substring(q + 1), Headers.of(headers), body);
    }

    /** This request as sent from {@code address}. */
    public ApiRequest fromAddress(String address) {
        return new ApiRequest(method, path, query, headers, body, address);
    }

    /** The header's value (repeated headers joined with commas), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Looks headers up by name, ignoring case. */
    @FunctionalInterface
    public interface Headers {

        /** The header's value, repeated headers joined with commas as RFC 9110 allows for lists; null if absent. */
        String get(String name);

        /** One header's values as a server hands them over, joined with commas; null when there are none. */
        static String joined(Iterator<String> values) {
            if (!values.hasNext()) {
                return null;
            }
            StringBuilder joined = new StringBuilder(values.next());
            values.forEachRemaining(v -> joined.append(',').append(v));
            return joined.toString();
        }

        static Headers of(Map<String, String> headers) {
            Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, value) -> copy.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b));
            return copy::get;
        }
    }
}
