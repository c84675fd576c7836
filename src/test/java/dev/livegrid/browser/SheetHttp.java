package dev.livegrid.browser;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The HTTP API as the browser tests use it to make and read sheets beside the pages: ops over
 * {@code POST /api/sheets/{id}/ops}, CSV imports, and the sheet as the server holds it.
 */
final class SheetHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    // Plain HTTP/1.1: the JDK's default offers an h2c upgrade, which Grizzly handles less simply (see HTTP-API.md).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    SheetHttp(URI base) {
        this.base = base;
    }

    /** A sheet with its columns and row ids, in order. */
    record Sheet(String id, List<String> cols, List<String> rows) {
        String col(int index) {
            return cols.get(index);
        }

        String row(int index) {
            return rows.get(index);
        }
    }

    /** POSTs one op (a batch too) and returns the {@code op} of the {@code applied} answer. */
    JsonObject post(String sheet, JsonObjectBuilder op) throws Exception {
        String body = op.add("id", "setup-" + UUID.randomUUID()).build().toString();
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("api/sheets/" + sheet + "/ops"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, response.statusCode(), "POST " + body.substring(0, Math.min(300, body.length()))
                + " answered " + response.body());
        return read(response.body()).getJsonObject("op");
    }

    /** Imports a CSV file into a new or empty sheet; returns the answer's summary. */
    JsonObject importCsv(String sheet, String csv) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("api/sheets/" + sheet + "/import"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)));
        assertEquals(201, response.statusCode(), response.body());
        return read(response.body());
    }

    /** The sheet as the server holds it ({@code GET /api/sheets/{id}}). */
    JsonObject get(String sheet) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("api/sheets/" + sheet)).GET());
        assertEquals(200, response.statusCode(), response.body());
        return read(response.body());
    }

    long version(String sheet) throws Exception {
        return get(sheet).getJsonNumber("version").longValue();
    }

    /** A cell's value on the server, "" when empty or never written. */
    String value(String sheet, String row, String col) throws Exception {
        JsonObject cells = get(sheet).getJsonArray("rows").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("id").equals(row)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + row)).getJsonObject("cells");
        JsonObject cell = cells.getJsonObject(col);
        return cell == null || cell.isNull("value") ? "" : cell.getString("value");
    }

    /** A cell's version on the server (0: never written). */
    long cellVersion(String sheet, String row, String col) throws Exception {
        JsonObject cells = get(sheet).getJsonArray("rows").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("id").equals(row)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + row)).getJsonObject("cells");
        JsonObject cell = cells.getJsonObject(col);
        return cell == null ? 0 : cell.getJsonNumber("version").longValue();
    }

    int columnCount(String sheet) throws Exception {
        return get(sheet).getJsonArray("columns").size();
    }

    int rowCount(String sheet) throws Exception {
        return get(sheet).getJsonArray("rows").size();
    }

    String text(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve(path)).GET());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /**
     * Adds columns named "Col A", "Col B", … and {@code rows} rows to an existing (joined) sheet, in two
     * batches, with the values {@code cell(row, column)} (null: none).
     */
    Sheet fill(String sheet, int columns, int rows, CellValue cell) throws Exception {
        List<String> cols = new ArrayList<>();
        if (columns > 0) {
            var addColumns = Json.createArrayBuilder();
            for (int c = 0; c < columns; c++) {
                JsonObjectBuilder add = Json.createObjectBuilder().add("type", "addColumn").add("name", "Col " + (char) ('A' + c));
                if (c > 0) { // the first at the start, each next one after the one before ($k)
                    add.add("after", "$" + (c - 1));
                }
                addColumns.add(add);
            }
            for (JsonObject op : post(sheet, Json.createObjectBuilder().add("type", "batch").add("ops", addColumns))
                    .getJsonArray("ops").getValuesAs(JsonObject.class)) {
                cols.add(op.getString("col"));
            }
        }
        List<String> rowIds = new ArrayList<>();
        if (rows > 0) {
            var inserts = Json.createArrayBuilder();
            for (int r = 0; r < rows; r++) {
                JsonObjectBuilder values = Json.createObjectBuilder();
                for (int c = 0; c < columns; c++) {
                    String value = cell.at(r, c);
                    if (value != null) {
                        values.add(cols.get(c), value);
                    }
                }
                JsonObjectBuilder insert = Json.createObjectBuilder().add("type", "insertRow").add("cells", values);
                if (r > 0) {
                    insert.add("after", "$" + (r - 1));
                }
                inserts.add(insert);
            }
            for (JsonObject op : post(sheet, Json.createObjectBuilder().add("type", "batch").add("ops", inserts))
                    .getJsonArray("ops").getValuesAs(JsonObject.class)) {
                rowIds.add(op.getString("row"));
            }
        }
        return new Sheet(sheet, List.copyOf(cols), List.copyOf(rowIds));
    }

    /** A cell's value in {@link #fill}. */
    interface CellValue {
        String at(int row, int column);
    }

    static String newSheetId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject read(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
