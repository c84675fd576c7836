package dev.livegrid.protocol;

import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Rejection;
import dev.livegrid.sheet.Sheets;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON-B codec against the wire protocol: every client and server message type, and every kind of bad frame. */
class CodecTest {

    // ---- client → server: the DESIGN §3 example frames, exactly as written there ----

    @Test
    void decodesTheEditExample() {
        ClientMessage m = Codec.decode("{\"type\":\"edit\",\"id\":\"op-17\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"19\",\"base\":1}");

        ClientMessage.Edit edit = assertInstanceOf(ClientMessage.Edit.class, m);
        assertEquals("op-17", edit.id());
        assertEquals("r1", edit.row());
        assertEquals("c2", edit.col());
        assertEquals("19", edit.value());
        assertEquals(1L, edit.base());
        assertEquals(new Op.Edit("r1", "c2", "19", 1L), edit.toOp());
        assertRoundTrips(edit);
    }

    @Test
    void decodesTheInsertRowExample() {
        ClientMessage m = Codec.decode("{\"type\":\"insertRow\",\"id\":\"op-18\",\"after\":\"r1\",\"cells\":{\"c1\":\"Hong\"}}");

        ClientMessage.InsertRow insert = assertInstanceOf(ClientMessage.InsertRow.class, m);
        assertEquals("op-18", insert.id());
        assertEquals("r1", insert.after());
        assertEquals(Map.of("c1", "Hong"), insert.cells());
        assertEquals(new Op.InsertRow(null, "r1", Map.of("c1", "Hong")), insert.toOp());
        assertRoundTrips(insert);
    }

    @Test
    void decodesTheDeleteRowExample() {
        ClientMessage m = Codec.decode("{\"type\":\"deleteRow\",\"id\":\"op-19\",\"row\":\"r2\"}");

        ClientMessage.DeleteRow delete = assertInstanceOf(ClientMessage.DeleteRow.class, m);
        assertEquals("op-19", delete.id());
        assertEquals("r2", delete.row());
        assertEquals(new Op.DeleteRow("r2"), delete.toOp());
        assertRoundTrips(delete);
    }

    @Test
    void decodesAConditionalDelete() {
        assertEquals(new Op.DeleteRow("r2", 7L), ((ClientMessage.OpRequest) Codec.decode(
                "{\"type\":\"deleteRow\",\"id\":\"op-19\",\"row\":\"r2\",\"base\":7}")).toOp());
        assertEquals(new Op.DeleteColumn("c5", 7L), ((ClientMessage.OpRequest) Codec.decode(
                "{\"type\":\"deleteColumn\",\"id\":\"op-22\",\"col\":\"c5\",\"base\":7}")).toOp());
        assertMalformed(Codec.decode("{\"type\":\"deleteRow\",\"id\":\"op-19\",\"row\":\"r2\",\"base\":\"7\"}"), "string base");
    }

    @Test
    void decodesABatchWithReferencesIntoOneOp() {
        ClientMessage m = Codec.decode("{\"type\":\"batch\",\"id\":\"op-30\",\"ops\":["
                + "{\"type\":\"edit\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"x\",\"base\":3},"
                + "{\"type\":\"addColumn\",\"name\":\"email\",\"after\":\"c2\"},"
                + "{\"type\":\"insertRow\",\"after\":\"r1\",\"cells\":{\"c1\":\"a\",\"$1\":7}},"
                + "{\"type\":\"deleteRow\",\"row\":\"r2\",\"base\":3},"
                + "{\"type\":\"renameColumn\",\"col\":\"$1\",\"name\":\"mail\"},"
                + "{\"type\":\"deleteColumn\",\"id\":\"ignored\",\"col\":\"c9\"}]}");

        ClientMessage.Batch batch = assertInstanceOf(ClientMessage.Batch.class, m);
        assertEquals("op-30", batch.id());
        assertEquals(new Op.Batch(List.of(new Op.Edit("r1", "c2", "x", 3L), new Op.AddColumn(null, "email", "c2"),
                new Op.InsertRow(null, "r1", Map.of("c1", "a", "$1", "7")), new Op.DeleteRow("r2", 3L),
                new Op.RenameColumn("$1", "mail"), new Op.DeleteColumn("c9"))), batch.toOp());
        assertEquals(batch.toOp(), OpJson.read(OpJson.write(batch.toOp())), "the store keeps a batch as it was asked for");
    }

    @Test
    void refusesABatchThatIsNotAListOfOps() {
        String[] frames = {
                "{\"type\":\"batch\",\"id\":\"b\"}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":{}}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[1]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[null]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"row\":\"r1\"}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"focus\",\"row\":\"r1\",\"col\":\"c1\"}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"auth\",\"token\":\"t\"}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"batch\",\"ops\":[]}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"edit\",\"row\":[],\"col\":\"c1\"}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"edit\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"\\ud800\"}]}",
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"insertRow\",\"cells\":{\"c1\":{}}}]}",
                "{\"type\":\"batch\",\"ops\":[{\"type\":\"deleteRow\",\"row\":\"r1\"}]}",
        };
        for (String frame : frames) {
            assertMalformed(Codec.decode(frame), frame);
        }
        assertTrue(((ClientMessage.Malformed) Codec.decode(frames[8])).problem().contains("a batch cannot hold a batch"));
    }

    @Test
    void opsOnAnythingButABatchIsAnUnknownFieldAndIgnored() {
        assertEquals(new Op.Edit("r1", "c1", "x", null), ((ClientMessage.OpRequest) Codec.decode(
                "{\"type\":\"edit\",\"id\":\"e1\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"x\",\"ops\":5}")).toOp());
        assertEquals(new Op.Batch(List.of(new Op.DeleteRow("r1"))), ((ClientMessage.OpRequest) Codec.decode(
                "{\"type\":\"batch\",\"id\":\"b\",\"ops\":[{\"type\":\"deleteRow\",\"row\":\"r1\",\"ops\":[1]}]}")).toOp());
    }

    @Test
    void encodesAnAppliedBatchAsItsAppliedOps() {
        JsonObject op = appliedOp(new Op.Batch(List.of(new Op.AddColumn("c6-0", "email", null),
                new Op.Edit("r1", "c6-0", null, null), new Op.DeleteRow("r2"))));

        assertEquals(parse("{\"type\":\"batch\",\"ops\":[{\"type\":\"addColumn\",\"col\":\"c6-0\",\"name\":\"email\",\"after\":null},"
                + "{\"type\":\"edit\",\"row\":\"r1\",\"col\":\"c6-0\",\"value\":null},{\"type\":\"deleteRow\",\"row\":\"r2\"}]}"), op);
    }

    @Test
    void decodesTheAddColumnExample() {
        ClientMessage m = Codec.decode("{\"type\":\"addColumn\",\"id\":\"op-20\",\"name\":\"email\",\"after\":\"c2\"}");

        ClientMessage.AddColumn add = assertInstanceOf(ClientMessage.AddColumn.class, m);
        assertEquals("op-20", add.id());
        assertEquals("email", add.name());
        assertEquals("c2", add.after());
        assertEquals(new Op.AddColumn(null, "email", "c2"), add.toOp());
        assertRoundTrips(add);
    }

    @Test
    void decodesTheRenameColumnExample() {
        ClientMessage m = Codec.decode("{\"type\":\"renameColumn\",\"id\":\"op-21\",\"col\":\"c2\",\"name\":\"Age\"}");

        ClientMessage.RenameColumn rename = assertInstanceOf(ClientMessage.RenameColumn.class, m);
        assertEquals("op-21", rename.id());
        assertEquals("c2", rename.col());
        assertEquals("Age", rename.name());
        assertEquals(new Op.RenameColumn("c2", "Age"), rename.toOp());
        assertRoundTrips(rename);
    }

    @Test
    void decodesTheDeleteColumnExample() {
        ClientMessage m = Codec.decode("{\"type\":\"deleteColumn\",\"id\":\"op-22\",\"col\":\"c5\"}");

        ClientMessage.DeleteColumn delete = assertInstanceOf(ClientMessage.DeleteColumn.class, m);
        assertEquals("op-22", delete.id());
        assertEquals("c5", delete.col());
        assertEquals(new Op.DeleteColumn("c5"), delete.toOp());
        assertRoundTrips(delete);
    }

    @Test
    void decodesTheFocusAndBlurExamples() {
        ClientMessage focus = Codec.decode("{\"type\":\"focus\",\"row\":\"r1\",\"col\":\"c2\"}");
        ClientMessage blur = Codec.decode("{\"type\":\"blur\"}");

        assertEquals(new ClientMessage.Focus("r1", "c2"), focus);
        assertEquals(new ClientMessage.Blur(), blur);
        assertRoundTrips(focus);
        assertRoundTrips(blur);
    }

    @Test
    void decodesOptionalFieldsLeftOutAsNull() {
        assertEquals(new ClientMessage.Edit("e", "r1", "c2", "v", null),
                Codec.decode("{\"type\":\"edit\",\"id\":\"e\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"v\"}"));
        assertEquals(new ClientMessage.InsertRow("i", null, null), Codec.decode("{\"type\":\"insertRow\",\"id\":\"i\"}"));
        assertEquals(new Op.InsertRow(null, null, Map.of()),
                ((ClientMessage.InsertRow) Codec.decode("{\"type\":\"insertRow\",\"id\":\"i\"}")).toOp());
        assertEquals(new ClientMessage.AddColumn("a", "n", null), Codec.decode("{\"type\":\"addColumn\",\"id\":\"a\",\"name\":\"n\"}"));
    }

    @Test
    void decodesExplicitNullsForValueAfterAndCells() {
        assertEquals(new ClientMessage.Edit("e", "r1", "c2", null, 0L),
                Codec.decode("{\"type\":\"edit\",\"id\":\"e\",\"row\":\"r1\",\"col\":\"c2\",\"value\":null,\"base\":0}"));
        assertEquals(new ClientMessage.AddColumn("a", "n", null),
                Codec.decode("{\"type\":\"addColumn\",\"id\":\"a\",\"name\":\"n\",\"after\":null}"));
        Map<String, String> emptied = new LinkedHashMap<>();
        emptied.put("c1", null);
        assertEquals(new ClientMessage.InsertRow("i", null, emptied),
                Codec.decode("{\"type\":\"insertRow\",\"id\":\"i\",\"after\":null,\"cells\":{\"c1\":null}}"));
    }

    @Test
    void takesANumberOrBooleanValueAsItsText() {
        assertEquals("19", ((ClientMessage.Edit) Codec.decode(
                "{\"type\":\"edit\",\"id\":\"e\",\"row\":\"r1\",\"col\":\"c2\",\"value\":19}")).value());
        assertEquals("true", ((ClientMessage.Edit) Codec.decode(
                "{\"type\":\"edit\",\"id\":\"e\",\"row\":\"r1\",\"col\":\"c2\",\"value\":true}")).value());
    }

    @Test
    void acceptsAnOpIdOfSixtyFourCharactersAndIgnoresUnknownFields() {
        String id = "aZ9_-".repeat(12) + "abcd";
        assertEquals(64, id.length());

        assertEquals(new ClientMessage.DeleteRow(id, "r2", null),
                Codec.decode("{\"type\":\"deleteRow\",\"id\":\"" + id + "\",\"row\":\"r2\",\"extra\":{\"x\":[1,2]}}"));
    }

    // ---- client → server: bad frames ----

    static Stream<Arguments> badFrames() {
        String edit = "{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"v\"";
        int depth = 100_000;
        return Stream.of(
                Arguments.of("not JSON", "hello"),
                Arguments.of("broken JSON", "{\"type\":\"edit\",\"id\":"),
                Arguments.of("an empty JSON array", "[]"),
                Arguments.of("a number", "42"),
                Arguments.of("a string", "\"edit\""),
                Arguments.of("JSON null", "null"),
                Arguments.of("an empty string", ""),
                Arguments.of("only whitespace", "   "),
                Arguments.of("an unknown type", "{\"type\":\"launch\",\"id\":\"op-1\"}"),
                Arguments.of("a server message type", "{\"type\":\"welcome\",\"sheet\":\"demo\"}"),
                Arguments.of("a missing type", "{\"id\":\"op-1\",\"row\":\"r1\"}"),
                Arguments.of("an empty object", "{}"),
                Arguments.of("a type that is not a string", "{\"type\":1}"),
                Arguments.of("an op without id", "{\"type\":\"edit\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"v\"}"),
                Arguments.of("an op with a null id", "{\"type\":\"deleteRow\",\"id\":null,\"row\":\"r1\"}"),
                Arguments.of("an op with an empty id", "{\"type\":\"deleteRow\",\"id\":\"\",\"row\":\"r1\"}"),
                Arguments.of("an op id with a space", "{\"type\":\"deleteRow\",\"id\":\"op 1\",\"row\":\"r1\"}"),
                Arguments.of("an op id with a slash", "{\"type\":\"deleteColumn\",\"id\":\"op/1\",\"col\":\"c1\"}"),
                Arguments.of("an op id with a non-ASCII letter", "{\"type\":\"addColumn\",\"id\":\"opé\",\"name\":\"n\"}"),
                Arguments.of("an op id of 65 characters",
                        "{\"type\":\"renameColumn\",\"id\":\"" + "a".repeat(65) + "\",\"col\":\"c1\",\"name\":\"n\"}"),
                Arguments.of("a base that is a string", edit + ",\"base\":\"x\"}"),
                Arguments.of("a base that is a fraction", edit + ",\"base\":1.5}"),
                Arguments.of("a base beyond a long", edit + ",\"base\":1e30}"),
                Arguments.of("a base that is an object", edit + ",\"base\":{}}"),
                Arguments.of("a value that is an object", "{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":{}}"),
                Arguments.of("a value that is an array", "{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":[\"v\"]}"),
                Arguments.of("cells that are an array", "{\"type\":\"insertRow\",\"id\":\"op-1\",\"cells\":[1]}"),
                Arguments.of("cells that are an empty array", "{\"type\":\"insertRow\",\"id\":\"op-1\",\"cells\":[]}"),
                Arguments.of("cells that are an array of strings", "{\"type\":\"insertRow\",\"id\":\"op-1\",\"cells\":[\"c1\"]}"),
                Arguments.of("cells that are a string", "{\"type\":\"insertRow\",\"id\":\"op-1\",\"cells\":\"c1\"}"),
                Arguments.of("a cell value that is an array", "{\"type\":\"insertRow\",\"id\":\"op-1\",\"cells\":{\"c1\":[1]}}"),
                Arguments.of("a huge nesting in a field", edit + ",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                Arguments.of("a huge nesting of objects", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                Arguments.of("a huge nesting of arrays", "[".repeat(depth) + "]".repeat(depth)),
                Arguments.of("an unclosed huge nesting", "{\"type\":\"blur\",\"x\":" + "[".repeat(depth)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void aBadFrameIsMalformedWithAProblemNeverAnException(String what, String frame) {
        ClientMessage m = assertDoesNotThrow(() -> Codec.decode(frame));

        assertMalformed(m, what);
    }

    /** Issue 9: a lone surrogate has no UTF-8 encoding; encoding its applied message once killed a room. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("loneSurrogates")
    void textWithALoneSurrogateIsMalformed(String what, String frame) {
        ClientMessage m = Codec.decode(frame);

        assertMalformed(m, what);
        assertTrue(((ClientMessage.Malformed) m).problem().contains("lone surrogate"), ((ClientMessage.Malformed) m).problem());
    }

    static Stream<Arguments> loneSurrogates() {
        return Stream.of(
                Arguments.of("a high surrogate as the value", "{\"type\":\"edit\",\"id\":\"o1\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"\\ud800\"}"),
                Arguments.of("a low surrogate inside the value", "{\"type\":\"edit\",\"id\":\"o1\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"a\\udc00b\"}"),
                Arguments.of("a pair the wrong way round", "{\"type\":\"edit\",\"id\":\"o1\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"\\udc00\\ud800\"}"),
                Arguments.of("a cell of an insert", "{\"type\":\"insertRow\",\"id\":\"o1\",\"cells\":{\"c1\":\"\\ud83d\"}}"),
                Arguments.of("a column name", "{\"type\":\"addColumn\",\"id\":\"o1\",\"name\":\"x\\ud800\"}"),
                Arguments.of("a new column name", "{\"type\":\"renameColumn\",\"id\":\"o1\",\"col\":\"c1\",\"name\":\"\\udfff\"}"));
    }

    @Test
    void aSurrogatePairWrittenAsEscapesIsOneCharacterAndValid() {
        ClientMessage m = Codec.decode("{\"type\":\"edit\",\"id\":\"o1\",\"row\":\"r1\",\"col\":\"c1\",\"value\":\"\\ud83d\\ude00\"}");

        assertEquals(new ClientMessage.Edit("o1", "r1", "c1", "\ud83d\ude00", null), m);
    }

    @Test
    void aBaseOutsideTheRangeOfALongIsMalformedSayingSo() {
        String edit = "{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"v\",\"base\":";
        for (String base : List.of("99999999999999999999", "9223372036854775808", "-9223372036854775809")) {
            ClientMessage m = Codec.decode(edit + base + "}");
            assertMalformed(m, base);
            assertEquals("\"base\" is out of range: a cell's version is a whole number of at most 9223372036854775807",
                    ((ClientMessage.Malformed) m).problem(), base);
        }
        assertEquals(Long.MAX_VALUE, ((ClientMessage.Edit) Codec.decode(edit + Long.MAX_VALUE + "}")).base());
    }

    /**
     * Found by DecoderFuzzTest: JSON-P builds nested values recursively, and 999 levels (within its own
     * limit of 1000) overflowed a 256 KiB thread stack; the StackOverflowError escaped the decoder and the
     * frame went unanswered. Frames nest at most 64 levels, checked before any parser runs.
     */
    @Test
    void aFrameNestedDeeperThanSixtyFourLevelsIsMalformedAndDecodesOnASmallStack() throws Exception {
        String blur = "{\"type\":\"blur\",\"x\":";
        Map<String, String> frames = new LinkedHashMap<>();
        frames.put("64 levels", blur + "[".repeat(63) + "]".repeat(63) + "}");
        frames.put("65 levels", blur + "[".repeat(64) + "]".repeat(64) + "}");
        frames.put("999 levels of objects", blur + "{\"a\":".repeat(998) + "1" + "}".repeat(998) + "}");
        frames.put("999 levels in cells", "{\"type\":\"insertRow\",\"id\":\"o\",\"cells\":"
                + "{\"a\":".repeat(998) + "1" + "}".repeat(998) + "}");
        frames.put("brackets inside a string", blur + "\"" + "[{".repeat(5000) + "\"}");
        Map<String, Object> decoded = new LinkedHashMap<>();
        Thread small = new Thread(null, () -> frames.forEach((what, frame) -> {
            try {
                decoded.put(what, Codec.decode(frame));
            } catch (Throwable t) {
                decoded.put(what, t);
            }
        }), "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertEquals(new ClientMessage.Blur(), decoded.get("64 levels"));
        assertEquals(new ClientMessage.Blur(), decoded.get("brackets inside a string"));
        for (String what : List.of("999 levels in cells", "999 levels of objects", "65 levels")) {
            assertMalformed(assertInstanceOf(ClientMessage.class, decoded.get(what), what), what);
            assertEquals("nested too deeply: objects and arrays may nest at most 64 levels",
                    ((ClientMessage.Malformed) decoded.get(what)).problem(), what);
        }
    }

    /** Found by DecoderFuzzTest: 1e0 was a whole number, but 1.0, 1e2 and 0e5 were "not a whole number". */
    @Test
    void aBaseIsAWholeNumberHoweverItIsWritten() {
        String edit = "{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"v\",\"base\":";
        Map<String, Long> whole = Map.of("1.0", 1L, "1e2", 100L, "1E+2", 100L, "0e5", 0L, "-0.0", 0L, "10e-1", 1L,
                "1e0", 1L, "9.223372036854775807e18", Long.MAX_VALUE);
        whole.forEach((base, value) -> assertEquals(value,
                assertInstanceOf(ClientMessage.Edit.class, Codec.decode(edit + base + "}"), base).base(), base));
        for (String fraction : List.of("1.5", "1e-2", "0.1", "1e-400")) {
            assertEquals("\"base\" must be a whole number (the cell's version)",
                    ((ClientMessage.Malformed) Codec.decode(edit + fraction + "}")).problem(), fraction);
        }
        for (String huge : List.of("9.223372036854775808e18", "1e19", "1e400", "1e999999999", "100e2147483647")) {
            assertTrue(((ClientMessage.Malformed) Codec.decode(edit + huge + "}")).problem().contains("out of range"), huge);
        }
    }

    @Test
    void aJsonArrayIsMalformedEvenWhenItHoldsAValidMessage() {
        assertMalformed(Codec.decode("[{\"type\":\"blur\"}]"), "an array holding a blur");
        assertMalformed(Codec.decode("[{\"type\":\"deleteRow\",\"id\":\"op-1\",\"row\":\"r1\"}]"),
                "an array holding a deleteRow");
    }

    @Test
    void aValidMessageFollowedByMoreTextIsMalformed() {
        assertMalformed(Codec.decode("{\"type\":\"blur\"} trailing"), "a blur followed by text");
        assertMalformed(Codec.decode("{\"type\":\"deleteRow\",\"id\":\"op-1\",\"row\":\"r1\"}{\"type\":\"blur\"}"),
                "two messages in one frame");
    }

    @Test
    void anUnknownOrMissingTypeNamesTheTypesThatExist() {
        for (String frame : List.of("{\"type\":\"launch\"}", "{\"row\":\"r1\"}")) {
            String problem = ((ClientMessage.Malformed) Codec.decode(frame)).problem();
            assertTrue(problem.contains("type") && problem.contains("renameColumn"), problem);
        }
    }

    // ---- server → client ----

    @Test
    void encodesAFullWelcomeWithColumnsRowsAndUsersButNoSince() {
        ServerMessage.Welcome welcome = Messages.welcome(Sheets.demo(), "u-3f2a", "editor",
                List.of(new ServerMessage.User("u-3f2a", "Alice", null)));

        JsonObject json = parse(Codec.encode(welcome));

        assertEquals("welcome", json.getString("type"));
        assertEquals(Set.of("type", "sheet", "incarnation", "version", "you", "role", "columns", "rows", "users"),
                json.keySet());
        assertEquals("editor", json.getString("role"));
        assertEquals("demo", json.getString("sheet"));
        assertEquals("0", json.getString("incarnation"));
        assertEquals(0, json.getJsonNumber("version").longValueExact());
        assertEquals("u-3f2a", json.getString("you"));
        JsonArray columns = json.getJsonArray("columns");
        assertEquals(5, columns.size());
        assertEquals(Json.createObjectBuilder().add("id", "name").add("name", "名称").build(), columns.getJsonObject(0));
        assertEquals("skill", columns.getJsonObject(4).getString("id"));
        JsonArray rows = json.getJsonArray("rows");
        assertEquals(3, rows.size());
        JsonObject first = rows.getJsonObject(0);
        assertEquals("seed1", first.getString("id"));
        assertEquals(Json.createObjectBuilder().add("value", "小明").add("version", 0).build(),
                first.getJsonObject("cells").getJsonObject("name"));
        assertEquals(Set.of("name", "age", "gender"), rows.getJsonObject(2).getJsonObject("cells").keySet());
        JsonObject user = json.getJsonArray("users").getJsonObject(0);
        assertEquals("u-3f2a", user.getString("id"));
        assertEquals("Alice", user.getString("name"));
        assertFalse(user.containsKey("focus"), "a user on no cell has no focus");
    }

    @Test
    void encodesAWelcomeWithItsUsersEncodedBeforehandLikeTheRecordWould() {
        List<ServerMessage.User> users = List.of(new ServerMessage.User("u-1", "Ann", new ServerMessage.Focus("seed1", "age")),
                new ServerMessage.User("u-2", "Ben", null));
        String whole = Codec.encode(Messages.welcome(Sheets.demo(), "u-1", "owner", users));
        String spliced = Codec.encode(Messages.welcome(Sheets.demo(), "u-1", "owner", null), Codec.toJson(users));
        assertEquals(whole, spliced);
        assertEquals(parse(Codec.encode(Messages.resumed("demo", "k", 3, "u-1", "viewer", users, 2))),
                parse(Codec.encode(Messages.resumed("demo", "k", 3, "u-1", "viewer", null, 2), "[" + Codec.toJson(users.get(0))
                        + "," + Codec.toJson(users.get(1)) + "]")));
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(Messages.welcome(Sheets.demo(), "u-1", "owner", users), "[]"));
    }

    @Test
    void encodesAnEmptiedCellInAWelcomeWithAnExplicitNullValue() {
        Map<String, ServerMessage.CellView> cells = new LinkedHashMap<>();
        cells.put("c1", new ServerMessage.CellView(null, 5));
        ServerMessage.Welcome welcome = new ServerMessage.Welcome("s", "k1", 5, "u", "owner", List.of(new ServerMessage.ColumnView("c1", "n")),
                List.of(new ServerMessage.RowView("r1", cells)), List.of(), null);

        JsonObject cell = parse(Codec.encode(welcome)).getJsonArray("rows").getJsonObject(0)
                .getJsonObject("cells").getJsonObject("c1");

        assertEquals(JsonValue.NULL, cell.get("value"));
        assertEquals(5, cell.getInt("version"));
    }

    @Test
    void encodesAResumedWelcomeWithSinceAndWithoutColumnsOrRows() {
        ServerMessage.Welcome resumed = Messages.resumed("demo", "k1", 12, "u-91c0", "viewer",
                List.of(new ServerMessage.User("u-91c0", "Bob", new ServerMessage.Focus("r1", "c2"))), 9);

        JsonObject json = parse(Codec.encode(resumed));

        assertEquals("welcome", json.getString("type"));
        assertEquals(Set.of("type", "sheet", "incarnation", "version", "you", "role", "since", "users"), json.keySet());
        assertEquals("viewer", json.getString("role"));
        assertEquals("k1", json.getString("incarnation"));
        assertEquals("demo", json.getString("sheet"));
        assertEquals(12, json.getJsonNumber("version").longValueExact());
        assertEquals("u-91c0", json.getString("you"));
        assertEquals(9, json.getJsonNumber("since").longValueExact());
        assertEquals("r1", json.getJsonArray("users").getJsonObject(0).getJsonObject("focus").getString("row"));
    }

    @Test
    void encodesAppliedEditAsInTheDesignExample() {
        JsonObject json = parse(Codec.encode(new ServerMessage.Applied(8, "u-3f2a", "op-17",
                new Op.Edit("r1", "c2", "19", null), null)));

        assertEquals(parse("{\"type\":\"applied\",\"version\":8,\"by\":\"u-3f2a\",\"id\":\"op-17\","
                + "\"op\":{\"type\":\"edit\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"19\"}}"), json);
    }

    @Test
    void encodesAppliedEditOfAnEmptiedCellWithValueNull() {
        JsonObject op = parse(Codec.encode(new ServerMessage.Applied(8, "u", "op-1",
                new Op.Edit("r1", "c2", null, null), null))).getJsonObject("op");

        assertEquals(Set.of("type", "row", "col", "value"), op.keySet());
        assertEquals(JsonValue.NULL, op.get("value"));
    }

    @Test
    void encodesAppliedInsertRowWithTheAssignedRowAndAfter() {
        JsonObject json = parse(Codec.encode(new ServerMessage.Applied(9, "u-3f2a", "op-18",
                new Op.InsertRow("r4", "r1", Map.of("c1", "Hong")), null)));

        assertEquals(parse("{\"type\":\"applied\",\"version\":9,\"by\":\"u-3f2a\",\"id\":\"op-18\","
                + "\"op\":{\"type\":\"insertRow\",\"row\":\"r4\",\"after\":\"r1\",\"cells\":{\"c1\":\"Hong\"}}}"), json);
    }

    @Test
    void encodesAppliedInsertRowAtTheStartWithAfterNullAndNullCells() {
        Map<String, String> cells = new LinkedHashMap<>();
        cells.put("c1", null);
        cells.put("c2", "x");

        JsonObject op = parse(Codec.encode(new ServerMessage.Applied(9, "u", "op-1",
                new Op.InsertRow("r9", null, cells), null))).getJsonObject("op");

        assertEquals(Set.of("type", "row", "after", "cells"), op.keySet());
        assertEquals(JsonValue.NULL, op.get("after"));
        assertEquals(JsonValue.NULL, op.getJsonObject("cells").get("c1"));
        assertEquals("x", op.getJsonObject("cells").getString("c2"));
        assertEquals(Json.createObjectBuilder().build(), parse(Codec.encode(new ServerMessage.Applied(10, "u", "op-2",
                new Op.InsertRow("r10", null, Map.of()), null))).getJsonObject("op").getJsonObject("cells"));
    }

    @Test
    void encodesAppliedDeleteRow() {
        assertEquals(parse("{\"type\":\"deleteRow\",\"row\":\"r2\"}"), appliedOp(new Op.DeleteRow("r2")));
    }

    @Test
    void encodesAppliedAddColumnWithTheAssignedColumnAndAfter() {
        JsonObject json = parse(Codec.encode(new ServerMessage.Applied(10, "u-3f2a", "op-20",
                new Op.AddColumn("c6", "email", "c2"), null)));

        assertEquals(parse("{\"type\":\"applied\",\"version\":10,\"by\":\"u-3f2a\",\"id\":\"op-20\","
                + "\"op\":{\"type\":\"addColumn\",\"col\":\"c6\",\"name\":\"email\",\"after\":\"c2\"}}"), json);
    }

    @Test
    void encodesAppliedAddColumnAtTheStartWithAfterNull() {
        assertEquals(parse("{\"type\":\"addColumn\",\"col\":\"c6\",\"name\":\"email\",\"after\":null}"),
                appliedOp(new Op.AddColumn("c6", "email", null)));
    }

    @Test
    void encodesAppliedRenameColumn() {
        assertEquals(parse("{\"type\":\"renameColumn\",\"col\":\"c2\",\"name\":\"Age\"}"),
                appliedOp(new Op.RenameColumn("c2", "Age")));
    }

    @Test
    void encodesAppliedDeleteColumn() {
        assertEquals(parse("{\"type\":\"deleteColumn\",\"col\":\"c5\"}"), appliedOp(new Op.DeleteColumn("c5")));
    }

    @Test
    void encodesSkippedVersionsOnlyWhenThereAreSome() {
        JsonObject with = parse(Codec.encode(new ServerMessage.Applied(20, "u-77b1", "k3-4",
                new Op.Edit("r9", "c2", "x", null), List.of(15L, 18L))));
        JsonObject without = parse(Codec.encode(new ServerMessage.Applied(20, "u-77b1", "k3-4",
                new Op.Edit("r9", "c2", "x", null), null)));

        assertEquals(parse("{\"type\":\"applied\",\"version\":20,\"by\":\"u-77b1\",\"id\":\"k3-4\","
                + "\"op\":{\"type\":\"edit\",\"row\":\"r9\",\"col\":\"c2\",\"value\":\"x\"},\"skipped\":[15,18]}"), with);
        assertFalse(without.containsKey("skipped"));
    }

    @Test
    void encodesRejectedWithTheCurrentCell() {
        Rejection conflict = new Rejection(Reason.CONFLICT, "cell changed at version 8",
                new Rejection.CurrentCell("r1", "c2", "20", 8));

        JsonObject json = parse(Codec.encode(Messages.rejected("op-17", conflict)));

        assertEquals(parse("{\"type\":\"rejected\",\"id\":\"op-17\",\"code\":\"conflict\",\"message\":\"cell changed at version 8\","
                + "\"current\":{\"row\":\"r1\",\"col\":\"c2\",\"value\":\"20\",\"version\":8},"
                + "\"conflicts\":[{\"row\":\"r1\",\"col\":\"c2\",\"value\":\"20\",\"version\":8}]}"), json);
    }

    @Test
    void encodesEveryConflictOfABatchAndLeavesTheListOutOfOtherRejections() {
        Rejection conflict = Rejection.conflict("2 cells changed", List.of(
                new Rejection.CurrentCell("r1", "c2", "20", 8), new Rejection.CurrentCell("r3", "c1", null, 9)));

        JsonObject json = parse(Codec.encode(Messages.rejected("op-30", conflict)));
        JsonObject other = parse(Codec.encode(Messages.rejected("op-31", Rejection.of(Reason.NO_SUCH_ROW, "no row r9"))));

        assertEquals(parse("{\"row\":\"r1\",\"col\":\"c2\",\"value\":\"20\",\"version\":8}"), json.getJsonObject("current"));
        assertEquals(parse("{\"a\":[{\"row\":\"r1\",\"col\":\"c2\",\"value\":\"20\",\"version\":8},"
                + "{\"row\":\"r3\",\"col\":\"c1\",\"value\":null,\"version\":9}]}").getJsonArray("a"), json.getJsonArray("conflicts"));
        assertFalse(other.containsKey("conflicts"));
        assertFalse(other.containsKey("current"));
    }

    @Test
    void encodesRejectedWithAnEmptyCurrentCellAsValueNull() {
        Rejection conflict = new Rejection(Reason.CONFLICT, "cell changed at version 3",
                new Rejection.CurrentCell("r1", "c2", null, 3));

        JsonObject current = parse(Codec.encode(Messages.rejected("op-17", conflict))).getJsonObject("current");

        assertEquals(Set.of("row", "col", "value", "version"), current.keySet());
        assertEquals(JsonValue.NULL, current.get("value"));
    }

    @Test
    void encodesRejectedWithoutCurrentForEveryOtherReason() {
        for (Reason reason : Reason.values()) {
            if (reason == Reason.CONFLICT) {
                continue;
            }
            JsonObject json = parse(Codec.encode(Messages.rejected("op-1", Rejection.of(reason, "why"))));
            assertEquals("rejected", json.getString("type"));
            assertEquals(Set.of("type", "id", "code", "message"), json.keySet());
            assertEquals(reason.code(), json.getString("code"));
            assertEquals("op-1", json.getString("id"));
            assertEquals("why", json.getString("message"));
        }
    }

    @Test
    void encodesPresenceChangesAsInTheProtocol() {
        ServerMessage.Presence presence = new ServerMessage.Presence(
                List.of(new ServerMessage.User("u-3f2a", "Alice", new ServerMessage.Focus("r1", "c2")),
                        new ServerMessage.User("u-77b1", "Bob", null)),
                List.of(new ServerMessage.Moved("u-9c0d", new ServerMessage.Focus("r2", "c1")),
                        new ServerMessage.Moved("u-5e11", null)),
                List.of("u-0a0b"));

        assertEquals("{\"type\":\"presence\",\"joined\":[{\"id\":\"u-3f2a\",\"name\":\"Alice\",\"focus\":{\"row\":\"r1\",\"col\":\"c2\"}},"
                + "{\"id\":\"u-77b1\",\"name\":\"Bob\"}],\"moved\":[{\"id\":\"u-9c0d\",\"focus\":{\"row\":\"r2\",\"col\":\"c1\"}},"
                + "{\"id\":\"u-5e11\",\"focus\":null}],\"left\":[\"u-0a0b\"]}", Codec.encode(presence));
    }

    @Test
    void leavesEmptyPresenceChangesOut() {
        assertEquals("{\"type\":\"presence\",\"left\":[\"u-1\"]}",
                Codec.encode(new ServerMessage.Presence(null, null, List.of("u-1"))));
    }

    @Test
    void encodesError() {
        JsonObject json = parse(Codec.encode(Messages.badMessage("not a valid message: \"x\"")));

        assertEquals(parse("{\"type\":\"error\",\"code\":\"bad-message\",\"message\":\"not a valid message: \\\"x\\\"\"}"), json);
    }

    @Test
    void encodesTextThatNeedsEscapingAsValidJson() {
        String nasty = "quote \" backslash \\ newline \n tab \t nul \u0000 <script> 小明 \uD83D\uDE00";

        JsonObject op = appliedOp(new Op.Edit("r1", "c2", nasty, null));

        assertEquals(nasty, op.getString("value"));
    }

    // ---- the WebSocket Decoder and Encoder ----

    @Test
    void messageDecoderDecodesLikeTheCodecAndWillDecodeAnything() {
        MessageDecoder decoder = new MessageDecoder();
        String edit = "{\"type\":\"edit\",\"id\":\"op-17\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"19\",\"base\":1}";

        assertEquals(Codec.decode(edit), decoder.decode(edit));
        assertEquals(new ClientMessage.Edit("op-17", "r1", "c2", "19", 1L), decoder.decode(edit));
        for (String bad : List.of("hello", "", "[]", "{\"type\":\"nope\"}")) {
            assertTrue(decoder.willDecode(bad), bad);
            assertEquals(Codec.decode(bad), decoder.decode(bad));
            assertMalformed(decoder.decode(bad), bad);
        }
        assertTrue(decoder.willDecode(edit));
    }

    @Test
    void messageEncoderEncodesLikeTheCodec() {
        MessageEncoder encoder = new MessageEncoder();
        List<ServerMessage> messages = List.of(
                Messages.welcome(Sheets.demo(), "u", "owner", List.of(new ServerMessage.User("u", "A", null))),
                Messages.resumed("demo", "k1", 3, "u", "owner", List.of(), 1),
                new ServerMessage.RoleChanged("viewer"),
                new ServerMessage.Authenticated("2026-12-02T16:00:00Z"),
                new ServerMessage.Applied(1, "u", "o", new Op.DeleteRow("r1"), null),
                Messages.rejected("o", Rejection.of(Reason.INVALID, "m")),
                new ServerMessage.Presence(null, null, List.of("u-1")),
                Messages.badMessage("p"));

        for (ServerMessage m : messages) {
            String text = encoder.encode(m);
            assertEquals(Codec.encode(m), text);
            assertNotNull(parse(text).getString("type"));
        }
    }

    // ---- helpers ----

    private static void assertRoundTrips(ClientMessage message) {
        String json = Codec.toJson(message);
        assertEquals(message, Codec.decode(json), json);
    }

    private static void assertMalformed(ClientMessage m, String what) {
        ClientMessage.Malformed malformed = assertInstanceOf(ClientMessage.Malformed.class, m, () -> what + " decoded as " + m);
        assertNotNull(malformed.problem(), what);
        assertFalse(malformed.problem().isBlank(), what);
    }

    private static JsonObject appliedOp(Op op) {
        JsonObject json = parse(Codec.encode(new ServerMessage.Applied(1, "u", "op-1", op, null)));
        assertEquals("applied", json.getString("type"));
        return json.getJsonObject("op");
    }

    private static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
