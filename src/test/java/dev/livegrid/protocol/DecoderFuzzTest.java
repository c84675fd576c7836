package dev.livegrid.protocol;

import dev.livegrid.sheet.Ids;
import dev.livegrid.sheet.UnicodeText;
import dev.livegrid.support.FrameFuzz;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the decoder of {@code /sheets/{sheetId}} frames: many thousands of frames from
 * {@link FrameFuzz} — valid messages in random JSON styles, the same damaged (wrong JSON types in
 * every field, huge and fractional numbers, long text, lone surrogates as escapes and as raw
 * characters, ids at and past their limits, thousands of levels of nesting, unknown types, duplicate
 * keys, trailing garbage, a byte order mark), random JSON and garbage — each decoded on a thread with
 * a small stack and held against an independent reading of docs/PROTOCOL.md §7.3–7.4 with JSON-P:
 * <ul>
 *   <li>decoding never throws and returns a message;</li>
 *   <li>a frame the protocol calls valid decodes to exactly its message (a generated valid message,
 *       re-encoded, decodes to itself again); any other frame is {@code Malformed} with a short,
 *       well-formed problem that encodes as an {@code error} reply;</li>
 *   <li>no frame takes pathological time, or more stack than a small thread has.</li>
 * </ul>
 * Seeded: the seed is printed, and {@code -Dlivegrid.fuzz.seed=N} replays it; {@code
 * -Dlivegrid.fuzz.cases=N} (default 20,000, a few seconds) runs longer.
 */
class DecoderFuzzTest {

    private static final int CASES = Integer.getInteger("livegrid.fuzz.cases", 20_000);
    /** A small thread stack: deep recursion on nested input overflows it long before 1 MiB would. */
    private static final long STACK = 256 * 1024;
    /** Far more than any frame takes (about 0.1 ms; one of 60,000 characters a few ms), less than any quadratic blow-up. */
    private static final long PATHOLOGICAL_NANOS = 2_000_000_000L;
    /** How deep JSON may nest in a message (docs/PROTOCOL.md §7.4). */
    private static final int MAX_DEPTH = 64;
    /** Looked up once: {@code Json.createParser} looks the provider up on every call, which is slow. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("edit", "insertRow", "deleteRow", "addColumn", "renameColumn",
            "deleteColumn", "focus", "blur");

    private final MessageDecoder decoder = new MessageDecoder();

    @Test
    void everyFrameDecodesToItsMessageOrToAMalformedWithAProblemNeverAnException() throws Exception {
        long seed = Long.getLong("livegrid.fuzz.seed", System.nanoTime());
        System.out.printf("[decoder-fuzz] seed=%d cases=%d (replay: -Dlivegrid.fuzz.seed=%d)%n", seed, CASES, seed);
        Tally tally = new Tally();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(null, () -> {
            try {
                run(new Random(seed), tally);
                tally.cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "decoder-fuzz", STACK);
        long started = System.nanoTime();
        runner.start();
        runner.join();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("[decoder-fuzz] seed=%d %d ms (%d ms of CPU, %d decoding): %d valid messages round-tripped, %d"
                        + " damaged or random frames accepted as messages, %d malformed; slowest %.1f ms (%d chars);"
                        + " problems: %s%n",
                seed, millis, tally.cpuNanos / 1_000_000, tally.decodingNanos / 1_000_000, tally.roundTrips,
                tally.accepted, tally.malformed, tally.slowestNanos / 1e6, tally.slowestLength, tally.problems);
        if (failure.get() != null) {
            throw new AssertionError("seed " + seed + ", case " + tally.cases + ": " + failure.get().getMessage(),
                    failure.get());
        }
        assertEquals(CASES, tally.cases);
        assertTrue(tally.roundTrips > CASES / 10 && tally.malformed > CASES / 4 && tally.accepted > 0,
                "the generator covers valid, damaged-but-valid and malformed frames: " + tally);
    }

    private void run(Random random, Tally tally) throws Exception {
        FrameFuzz fuzz = new FrameFuzz(random, List::of, List::of, true, 20_000);
        for (int i = 0; i < CASES; i++) {
            tally.cases = i;
            FrameFuzz.Frame frame = fuzz.any();
            ClientMessage decoded = decodeTimed(frame.text(), tally);
            if (frame.expected() != null) {
                check(frame.text(), frame.expected(), decoded);
                String again = Codec.toJson(decoded);
                check(again, decoded, decodeTimed(again, tally));
                tally.roundTrips++;
                continue;
            }
            ClientMessage expected = protocolReading(frame.text());
            check(frame.text(), expected, decoded);
            if (expected == null) {
                tally.malformed++;
                tally.problems.merge(category(((ClientMessage.Malformed) decoded).problem()), 1, Integer::sum);
            } else {
                tally.accepted++;
            }
        }
        tally.cases = CASES;
    }

    private ClientMessage decodeTimed(String text, Tally tally) {
        long started = System.nanoTime();
        ClientMessage decoded;
        try {
            decoded = decoder.decode(text);
        } catch (Throwable t) { // an Error too: a StackOverflowError is exactly what this looks for
            throw new AssertionError("decoding threw " + t + " on " + abbreviate(text), t);
        }
        long nanos = System.nanoTime() - started;
        tally.decodingNanos += nanos;
        if (nanos > tally.slowestNanos) {
            tally.slowestNanos = nanos;
            tally.slowestLength = text.length();
        }
        if (nanos > PATHOLOGICAL_NANOS && fastestOfThree(text) > PATHOLOGICAL_NANOS) {
            fail("decoding took " + nanos / 1_000_000 + " ms for " + abbreviate(text));
        }
        if (decoded == null) {
            fail("decoded to null: " + abbreviate(text));
        }
        return decoded;
    }

    /** A pause of the machine (a loaded CI host, a collection) is not the decoder's: slow is slow every time. */
    private long fastestOfThree(String text) {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            decoder.decode(text);
            fastest = Math.min(fastest, System.nanoTime() - started);
        }
        return fastest;
    }

    /** {@code expected} null: the frame is no message, and must be Malformed with a usable problem. */
    private static void check(String text, ClientMessage expected, ClientMessage decoded) {
        if (expected == null) {
            if (!(decoded instanceof ClientMessage.Malformed malformed)) {
                throw new AssertionError("accepted as " + abbreviate(String.valueOf(decoded))
                        + ", but the protocol says it is no message: " + abbreviate(text));
            }
            checkProblem(text, malformed.problem());
        } else if (!normalized(expected).equals(normalized(decoded))) {
            throw new AssertionError("decoded as " + abbreviate(String.valueOf(decoded)) + ", expected "
                    + abbreviate(String.valueOf(expected)) + ": " + abbreviate(text));
        }
    }

    /** The problem is sent back in an {@code error}: short, readable, and encodable as UTF-8. */
    private static void checkProblem(String text, String problem) {
        String where = " — for " + abbreviate(text);
        assertTrue(problem != null && !problem.isBlank(), "a Malformed without a problem" + where);
        assertTrue(problem.length() <= 300, "a problem of " + problem.length() + " characters" + where);
        assertTrue(UnicodeText.isWellFormed(problem), "a problem with a lone surrogate: " + problem + where);
        String reply = Codec.encode(Messages.badMessage(problem));
        try {
            StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(reply));
        } catch (CharacterCodingException e) {
            throw new AssertionError("the error reply cannot be sent as UTF-8: " + reply + where, e);
        }
        try (var reader = JSON.createReader(new StringReader(reply))) {
            assertEquals(problem, reader.readObject().getString("message"), "the reply carries the problem" + where);
        }
    }

    // ---- the protocol, read independently of the decoder ----

    /**
     * The message docs/PROTOCOL.md makes of this frame, or null when it is no message: exactly one JSON
     * object, nested at most 64 levels, whose {@code type} names a client message, whose known fields have
     * their JSON types ({@code base} a whole number that fits a long), whose op has a valid id, and whose
     * text is valid Unicode. Unknown fields are ignored; of duplicate keys the last counts.
     */
    static ClientMessage protocolReading(String text) {
        if (depthOf(text) > MAX_DEPTH) {
            return null;
        }
        JsonValue value;
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                return null;
            }
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        if (!(value instanceof JsonObject o) || !o.entrySet().stream().allMatch(f -> hasItsType(f.getKey(), f.getValue()))) {
            return null;
        }
        if (!(o.get("type") instanceof JsonString type) || !TYPES.contains(type.getString())) {
            return null;
        }
        ClientMessage message = switch (type.getString()) {
            case "edit" -> new ClientMessage.Edit(string(o, "id"), string(o, "row"), string(o, "col"), text(o.get("value")),
                    base(o));
            case "insertRow" -> new ClientMessage.InsertRow(string(o, "id"), string(o, "after"), cells(o.get("cells")));
            case "deleteRow" -> new ClientMessage.DeleteRow(string(o, "id"), string(o, "row"), base(o));
            case "addColumn" -> new ClientMessage.AddColumn(string(o, "id"), string(o, "name"), string(o, "after"));
            case "renameColumn" -> new ClientMessage.RenameColumn(string(o, "id"), string(o, "col"), string(o, "name"));
            case "deleteColumn" -> new ClientMessage.DeleteColumn(string(o, "id"), string(o, "col"), base(o));
            case "focus" -> new ClientMessage.Focus(string(o, "row"), string(o, "col"));
            default -> new ClientMessage.Blur();
        };
        if (message instanceof ClientMessage.OpRequest op && !Ids.isValid(op.id())) {
            return null;
        }
        return freeText(message).stream().allMatch(t -> t == null || UnicodeText.isWellFormed(t)) ? message : null;
    }

    private static Long base(JsonObject o) {
        return o.get("base") instanceof JsonNumber base ? base.bigDecimalValue().longValueExact() : null;
    }

    private static boolean hasItsType(String key, JsonValue value) {
        JsonValue.ValueType type = value.getValueType();
        return switch (key) {
            case "type", "id", "row", "col", "after", "name" -> type == JsonValue.ValueType.STRING || type == JsonValue.ValueType.NULL;
            case "value" -> isScalar(value);
            case "base" -> type == JsonValue.ValueType.NULL || value instanceof JsonNumber n && fitsALong(n.bigDecimalValue());
            case "cells" -> type == JsonValue.ValueType.NULL
                    || value instanceof JsonObject cells && cells.values().stream().allMatch(DecoderFuzzTest::isScalar);
            default -> true;
        };
    }

    private static boolean fitsALong(BigDecimal number) {
        if (number.signum() == 0) {
            return true;
        }
        if ((long) number.precision() - number.scale() > 19) {
            return false; // more than 19 digits before the point (also 1e999999999, without expanding it)
        }
        BigDecimal whole = number.stripTrailingZeros();
        return whole.scale() <= 0 && whole.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
                && whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    private static boolean isScalar(JsonValue value) {
        return value.getValueType() != JsonValue.ValueType.OBJECT && value.getValueType() != JsonValue.ValueType.ARRAY;
    }

    private static String string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }

    /** A value: a string, or a number or boolean taken as its text, or null. */
    private static String text(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    private static Map<String, String> cells(JsonValue value) {
        if (!(value instanceof JsonObject cells)) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        cells.forEach((col, v) -> map.put(col, text(v)));
        return map;
    }

    private static List<String> freeText(ClientMessage message) {
        List<String> texts = new ArrayList<>();
        if (message instanceof ClientMessage.Edit e) {
            texts.add(e.value());
        } else if (message instanceof ClientMessage.InsertRow r && r.cells() != null) {
            texts.addAll(r.cells().keySet());
            texts.addAll(r.cells().values());
        } else if (message instanceof ClientMessage.AddColumn a) {
            texts.add(a.name());
        } else if (message instanceof ClientMessage.RenameColumn r) {
            texts.add(r.name());
        }
        return texts;
    }

    /** How deep objects and arrays nest, counting brackets outside strings (garbage counts as it comes). */
    private static int depthOf(String text) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        boolean escaped = false;
        for (char c : text.toCharArray()) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return deepest;
    }

    /**
     * A number sent as a value is "taken as its text" (docs/PROTOCOL.md §7.3): the same number, in
     * whatever notation. Values that read as numbers are compared as numbers.
     */
    private static ClientMessage normalized(ClientMessage m) {
        if (m instanceof ClientMessage.Edit e) {
            return new ClientMessage.Edit(e.id(), e.row(), e.col(), number(e.value()), e.base());
        }
        if (m instanceof ClientMessage.InsertRow r && r.cells() != null) {
            Map<String, String> cells = new LinkedHashMap<>();
            r.cells().forEach((col, v) -> cells.put(col, number(v)));
            return new ClientMessage.InsertRow(r.id(), r.after(), cells);
        }
        return m;
    }

    private static String number(String text) {
        if (text == null || text.length() > 1200 || !NUMBER.matcher(text).matches()) {
            return text;
        }
        try {
            BigDecimal number = new BigDecimal(text);
            return "number " + (number.signum() == 0 ? "0" : number.stripTrailingZeros().toString());
        } catch (NumberFormatException | ArithmeticException e) {
            return text; // 100e2147483647 is taken as "1.00E+2147483649", beyond a BigDecimal's scale
        }
    }

    // ---- reporting ----

    /** The problem without what varies from frame to frame (positions, lengths, quoted text). */
    private static String category(String problem) {
        String general = problem.replaceAll("\\(line no=.*", "").replaceAll("[0-9][0-9,]*", "N");
        return general.length() > 60 ? general.substring(0, 60) : general;
    }

    private static String abbreviate(String text) {
        String shown = text.length() <= 400 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)…"
                + text.substring(text.length() - 60);
        StringBuilder out = new StringBuilder();
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || Character.isSurrogate(c) || c == '\uFEFF') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static final class Tally {
        int cases;
        int roundTrips;
        int accepted;
        int malformed;
        long slowestNanos;
        long decodingNanos;
        long cpuNanos;
        int slowestLength;
        final Map<String, Integer> problems = new TreeMap<>();

        @Override
        public String toString() {
            return "cases=" + cases + " roundTrips=" + roundTrips + " accepted=" + accepted + " malformed=" + malformed;
        }
    }
}
