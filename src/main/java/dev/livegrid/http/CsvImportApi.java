package dev.livegrid.http;

import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.config.Settings;
import dev.livegrid.csvimport.BadCsvException;
import dev.livegrid.csvimport.CsvImport;
import dev.livegrid.protocol.Codec;
import dev.livegrid.room.OpResult;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Reason;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/sheets/{id}/import}: a CSV file ({@code text/csv}) into a new or empty sheet as one
 * op, so every viewer sees the whole file arrive at one version. The answer is a summary, not the
 * {@code applied} message, which is as large as the file.
 */
final class CsvImportApi {

    /** The body of a successful import. */
    @JsonbPropertyOrder({"sheet", "version", "columns", "rows", "id"})
    public record Imported(String sheet, long version, int columns, int rows, String id) {
    }

    private static final String RESEND = "To find out, GET the sheet, or resend the same file with the same"
            + " Idempotency-Key: an import already applied is answered as it was and never applied twice";
    /** {@code ops[k]: …} in a refusal of the batch: which of its ops the sheet refused. */
    private static final Pattern OP_INDEX = Pattern.compile("^ops\\[(\\d+)]: ");

    private final RoomRegistry rooms;
    private final Settings settings;

    CsvImportApi(RoomRegistry rooms, Settings settings) {
        this.rooms = rooms;
        this.settings = settings;
    }

    ApiResponse importCsv(ApiRequest request, String sheetId, Identity caller) throws ApiFailure {
        String type = request.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("text/csv")) {
            throw ApiFailure.of(415, "unsupported-media-type", "send the file as the body with Content-Type: text/csv"
                    + " (UTF-8), not " + (type == null ? "none" : "'" + type + "'"));
        }
        CsvImport csv;
        try {
            csv = CsvImport.of(request.body());
        } catch (BadCsvException e) {
            throw ApiFailure.of(400, "bad-csv", e.getMessage());
        }
        // Tried on an empty sheet first, as it will be applied: a refused file creates nothing.
        if (new Sheet(sheetId, rooms.limits()).apply(csv.batch()) instanceof Outcome.Rejected no) {
            throw new ApiFailure(refused(no.rejection().reason(), no.rejection().message(), csv));
        }
        String opId = IdempotencyKey.of(request).orElseGet(() -> "import-" + UUID.randomUUID().toString().replace("-", ""));
        boolean created = false;
        Room room = rooms.acquire(sheetId, false);
        if (room == null && settings.createSheets() && caller.grants().on(sheetId).canEdit()) {
            // Importing into a new id creates the sheet, as joining it would: that takes the editor role on it.
            room = rooms.acquire(sheetId, true, caller.verified() ? caller.userId() : null);
            created = true;
        }
        if (room == null) {
            throw ApiFailure.of(404, "no-such-sheet", "no sheet '" + sheetId + "'" + (settings.createSheets()
                    ? "; importing into a new sheet takes the editor role on it" : " (livegrid.create-sheets is off)"));
        }
        try {
            SheetApi.requireRole(room, caller, Role.EDITOR, "importing into it");
            Snapshot now = SheetApi.await(room.snapshot());
            String answer;
            if (now.columns().isEmpty() && now.rows().isEmpty()) {
                OpResult result = SheetApi.awaitOutcome(room.submit(caller, opId, csv.batch()), RESEND);
                if (!result.applied()) {
                    ApiResponse refusal = refused(result.reason(), messageOf(result.text()), csv);
                    return result.reason() == Reason.RATE_LIMITED ? refusal.withHeader("Retry-After", "1") : refusal;
                }
                answer = result.text();
            } else {
                // Not empty: refused, unless this very import (same id and content) made it so; a resend learns that.
                answer = SheetApi.await(room.appliedBefore(caller.userId(), opId, csv.batch())).orElseThrow(() ->
                        ApiFailure.of(409, "not-empty", "sheet '" + sheetId + "' has " + now.columns().size()
                                + " columns and " + now.rows().size() + " rows; import into a new or empty sheet"));
            }
            return ApiResponse.json(created ? 201 : 200,
                    Codec.toJson(new Imported(sheetId, versionOf(answer), csv.columns(), csv.rows(), opId)));
        } finally {
            rooms.release(room);
        }
    }

    /** A refused import as a problem, its {@code ops[k]} told as a place in the file. */
    private static ApiResponse refused(Reason reason, String message, CsvImport csv) {
        Matcher m = OP_INDEX.matcher(message);
        String told = m.find() ? csv.origin(Integer.parseInt(m.group(1))) + ": " + message.substring(m.end()) : message;
        return ApiResponse.error(reason == Reason.TOO_LARGE ? 413 : OpAnswers.status(reason, false), reason.code(), told);
    }

    private static String messageOf(String rejectedText) {
        return jakarta.json.Json.createReader(new java.io.StringReader(rejectedText)).readObject().getString("message", "");
    }

    private static long versionOf(String appliedText) {
        return jakarta.json.Json.createReader(new java.io.StringReader(appliedText)).readObject()
                .getJsonNumber("version").longValueExact();
    }
}
