package dev.livegrid.support;

import dev.livegrid.protocol.ClientMessage;
import dev.livegrid.protocol.Codec;
import dev.livegrid.sheet.UnicodeText;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records what the server really sends, and what the test clients send it, for
 * {@code src/test/js/api-docs.test.mjs}, which checks every record against {@code docs/asyncapi.yaml}
 * and {@code docs/openapi.yaml}: so the documents cannot drift from the code unnoticed.
 * <p>
 * The build names the directory in the system property {@code livegrid.apiTraffic}; without it (a
 * run from an IDE, say) nothing is recorded. Each JVM appends JSON lines to a file of its own,
 * {@code traffic-<pid>.jsonl}: the surefire and failsafe JVMs write side by side without sharing a
 * file, and within a JVM the appends are serialized here.
 * <p>
 * Load tests send the same few shapes of message hundreds of thousands of times, so only samples
 * are kept: the first {@value #FIRST_OF_A_KIND} of each kind (channel, direction and message type; or
 * HTTP method and status) and {@value #PER_SHAPE} of each shape — the field names and JSON types all
 * the way down, with the value of {@code type}, {@code code}, {@code role} and {@code status} — so
 * every variant a test produced is checked, at a few megabytes.
 * <p>
 * A client frame is recorded with the server's verdict on it: what the server's own decoder says
 * ({@code bad-message: …} for a frame it answers with an {@code error}), and for an op the answer it
 * got ({@code applied}, {@code rejected:CODE}; an op never answered is not recorded). The check then
 * knows which frames the schema must accept and which it must refuse.
 */
public final class ApiTraffic {

    private static final int FIRST_OF_A_KIND = 25;
    private static final int PER_SHAPE = 3;
    /** A welcome of a sheet near its size limit is megabytes; its shape is recorded from smaller ones. */
    private static final int MAX_TEXT = 256 * 1024;
    /** A safety net: never more than this many records per JVM. */
    private static final int MAX_RECORDS = 20_000;
    /** Field values that name a kind of message or answer: part of a shape, unlike other strings. */
    private static final Set<String> KIND_FIELDS = Set.of("type", "code", "role", "status");
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Path FILE = file();

    // guarded by ApiTraffic.class
    private static final Map<String, Integer> seen = new HashMap<>();
    private static int records;

    private ApiTraffic() {
    }

    private static Path file() {
        String dir = System.getProperty("livegrid.apiTraffic");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        try {
            Path directory = Files.createDirectories(Path.of(dir));
            return directory.resolve("traffic-" + ProcessHandle.current().pid() + ".jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API traffic directory " + dir, e);
        }
    }

    /** What one WebSocket connection on {@code channel} ({@code sheets} or {@code echo}) sends and receives. */
    public static Socket socket(String channel) {
        return new Socket(channel, FILE == null ? null : origin());
    }

    /** Records an HTTP exchange without a request body; returns the response. */
    public static <T> HttpResponse<T> http(HttpResponse<T> response) {
        return http(response, null);
    }

    /** Records an HTTP exchange; {@code requestBody} is what was sent (null for none). Returns the response. */
    public static <T> HttpResponse<T> http(HttpResponse<T> response, String requestBody) {
        if (FILE == null) {
            return response;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        JsonObjectBuilder record = JSON.createObjectBuilder().add("kind", "http")
                .add("method", response.request().method())
                .add("path", response.uri().getRawPath())
                .add("status", response.statusCode())
                .add("origin", origin());
        String body = response.body() instanceof String text ? text : null;
        if (response.uri().getRawQuery() != null) {
            record.add("query", response.uri().getRawQuery());
        }
        if (contentType != null) {
            record.add("contentType", contentType);
        }
        if (body != null && body.length() <= MAX_TEXT) {
            record.add("body", body);
        }
        if (requestBody != null && requestBody.length() <= MAX_TEXT) {
            record.add("requestBody", requestBody);
        }
        String kind = "http " + response.request().method() + " " + response.statusCode();
        // Every sheet and user is one path here: the ids are data, the rest of the path is the endpoint.
        String endpoint = response.uri().getRawPath().replaceFirst("^(.*/api/sheets/)[^/]+?(\\.csv)?(/|$)", "$1{id}$2$3")
                .replaceFirst("/access/[^/]+$", "/access/{userId}");
        write(kind, kind + " " + endpoint + " " + contentType + " " + shapeOf(body) + " " + shapeOf(requestBody), record);
        return response;
    }

    /** One connection's recorder; it records nothing when the traffic is not being recorded. */
    public static final class Socket {
        private final String channel;
        private final String origin;
        // guarded by this
        private String you;
        private final Map<String, String> pendingOps = new LinkedHashMap<>();

        private Socket(String channel, String origin) {
            this.channel = channel;
            this.origin = origin;
        }

        /** A text frame this client is about to send (before it is sent, so that its answer cannot come first). */
        public void sent(String text) {
            if (FILE == null) {
                return;
            }
            ClientMessage message = Codec.decode(text);
            if (message instanceof ClientMessage.Malformed bad) {
                record("client", text, parse(text), "bad-message: " + bad.problem());
            } else if (message instanceof ClientMessage.OpRequest op) {
                synchronized (this) {
                    pendingOps.put(op.id(), text); // recorded with its answer
                }
            } else {
                record("client", text, parse(text), "accepted");
            }
        }

        /** A whole text message this client received. */
        public void received(String text) {
            if (FILE == null) {
                return;
            }
            JsonObject message = parse(text);
            record("server", text, message, null);
            if (message == null) {
                return;
            }
            String type = message.getString("type", "");
            String id = message.getString("id", null);
            String answered = null;
            synchronized (this) {
                if (type.equals("welcome")) {
                    you = message.getString("you", null);
                } else if (id != null && (type.equals("rejected")
                        || type.equals("applied") && message.getString("by", "").equals(you))) {
                    answered = pendingOps.remove(id);
                }
            }
            if (answered != null) {
                record("client", answered, parse(answered),
                        type.equals("applied") ? "applied" : "rejected:" + message.getString("code", ""));
            }
        }

        private void record(String from, String text, JsonObject message, String verdict) {
            if (text.length() > MAX_TEXT) {
                return;
            }
            JsonObjectBuilder record = JSON.createObjectBuilder().add("kind", "ws").add("channel", channel)
                    .add("from", from).add("text", text).add("origin", origin);
            if (verdict != null) {
                record.add("verdict", verdict);
            }
            String type = message == null ? "(not an object)" : message.getString("type", "(no type)");
            String kind = "ws " + channel + " " + from + " " + type;
            // Refusals are told apart by their reason only, so that each kind of bad frame is checked.
            String shape = verdict != null && verdict.startsWith("bad-message") ? verdict
                    : message == null ? "text" : shape(message, "");
            write(kind, kind + " " + verdict + " " + shape, record);
        }
    }

    private static synchronized void write(String kind, String shape, JsonObjectBuilder record) {
        int ofKind = seen.merge(kind, 1, Integer::sum);
        int ofShape = seen.merge(shape, 1, Integer::sum);
        if (ofKind > FIRST_OF_A_KIND && ofShape > PER_SHAPE || records >= MAX_RECORDS) {
            return;
        }
        String line = record.build() + "\n";
        if (!UnicodeText.isWellFormed(line)) {
            return; // a lone surrogate sent raw (not as a JSON escape) never left the client: nothing to check
        }
        records++;
        try {
            Files.writeString(FILE, line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record API traffic in " + FILE, e);
        }
    }

    /** The test class that made the connection or request (else the first caller outside the support code). */
    private static String origin() {
        List<String> callers = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> name.startsWith("dev.livegrid.") && !name.startsWith("dev.livegrid.support."))
                .toList());
        return callers.stream().filter(name -> name.matches(".*(Test|IT)(\\$.*)?")).findFirst()
                .orElse(callers.isEmpty() ? "?" : callers.get(0));
    }

    private static JsonObject parse(String text) {
        if (text == null) {
            return null;
        }
        try (var reader = JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject object ? object : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String shapeOf(String text) {
        if (text == null) {
            return "none";
        }
        return Optional.ofNullable(parse(text)).map(o -> shape(o, "")).orElse("text");
    }

    private static String shape(JsonValue value, String field) {
        return switch (value.getValueType()) {
            case OBJECT -> {
                JsonObject object = value.asJsonObject();
                if (field.equals("cells")) { // keyed by column ids, which are data: its values make its shape
                    yield "{*:" + union(object.values(), "") + "}";
                }
                StringJoiner fields = new StringJoiner(",", "{", "}");
                new TreeMap<>(object).forEach((name, v) -> fields.add(name + ":" + shape(v, name)));
                yield fields.toString();
            }
            case ARRAY -> "[" + union(value.asJsonArray(), field) + "]";
            case STRING -> KIND_FIELDS.contains(field) ? "'" + ((JsonString) value).getString() + "'" : "string";
            case NUMBER -> ((JsonNumber) value).isIntegral() ? "integer" : "number";
            case TRUE, FALSE -> "boolean";
            case NULL -> "null";
        };
    }

    private static String union(Collection<JsonValue> values, String field) {
        TreeSet<String> shapes = new TreeSet<>();
        values.forEach(v -> shapes.add(shape(v, field)));
        return String.join("|", shapes);
    }
}
