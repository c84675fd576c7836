package dev.livegrid.http;

import dev.livegrid.protocol.Codec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP response of the API, for an adapter to write.
 *
 * @param status      HTTP status code
 * @param headers     headers besides {@code Content-Type} and {@code Content-Length}
 * @param body        the body, written as UTF-8; null for none (e.g. 304)
 * @param contentType the {@code Content-Type}; null when there is no body
 */
public record ApiResponse(int status, Map<String, String> headers, String body, String contentType) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String CSV = "text/csv; charset=utf-8";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    /** A JSON body that is already text (e.g. an {@code applied} message). */
    public static ApiResponse json(int status, String json) {
        return new ApiResponse(status, Map.of(), json, JSON);
    }

    /** An error: {@code {"code":…,"message":…}}. */
    public static ApiResponse error(int status, String code, String message) {
        return json(status, Codec.toJson(new Problem(code, message)));
    }

    /** The body as the UTF-8 bytes to send, or null when there is none. */
    public byte[] bodyBytes() {
        return body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    }

    /** This response with one more header (or one replaced). */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, more, body, contentType);
    }
}
