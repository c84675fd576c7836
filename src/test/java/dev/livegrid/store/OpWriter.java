package dev.livegrid.store;

import dev.livegrid.protocol.Codec;
import dev.livegrid.protocol.ServerMessage;
import dev.livegrid.sheet.Limits;
import dev.livegrid.sheet.Op;
import dev.livegrid.sheet.Outcome;
import dev.livegrid.sheet.Sheet;
import dev.livegrid.sheet.Snapshot;
import dev.livegrid.sheet.Sheets;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the changes a room would commit for one sheet, by applying ops to a real {@link Sheet}: the
 * initial snapshot, then one {@link Change.Applied} per op with the request (base included), the
 * encoded {@code applied} message, author, op id and a time with millisecond precision (what the
 * store keeps). Remembers every logged op so a test can compare what the store gives back.
 */
final class OpWriter {

    private final Sheet sheet;
    private final List<LoggedOp> logged = new ArrayList<>();
    private Instant clock = Instant.parse("2024-05-01T10:00:00.123Z");

    private OpWriter(Snapshot initial) {
        this.sheet = Sheet.of(initial, Limits.DEFAULT);
    }

    static OpWriter empty(String sheetId) {
        return new OpWriter(Sheets.empty(sheetId));
    }

    String id() {
        return sheet.id();
    }

    long version() {
        return sheet.version();
    }

    Sheet sheet() {
        return sheet;
    }

    Snapshot snapshot() {
        return sheet.snapshot();
    }

    /** The first change of a sheet: its snapshot as created (nothing to compact). */
    Change.Snapshotted created() {
        return Change.Snapshotted.creating(sheet.snapshot());
    }

    Change.Snapshotted snapshotKeepingFrom(long keepFrom) {
        return Change.Snapshotted.compacting(sheet.snapshot(), keepFrom);
    }

    /** Applies {@code request} as {@code by}/{@code opId}; the change to commit for it. */
    Change.Applied apply(String by, String opId, Op request) {
        Outcome outcome = sheet.apply(request);
        if (!(outcome instanceof Outcome.Applied applied)) {
            throw new IllegalArgumentException(request + " does not apply: " + outcome);
        }
        clock = clock.plus(1234, ChronoUnit.MILLIS);
        String text = Codec.encode(new ServerMessage.Applied(applied.version(), by, opId, applied.op(), null));
        LoggedOp op = new LoggedOp(applied.version(), by, opId, request, text, clock);
        logged.add(op);
        return new Change.Applied(sheet.id(), op, sheet.rowCount(), sheet.columnCount());
    }

    /** Every op applied so far, oldest first. */
    List<LoggedOp> logged() {
        return List.copyOf(logged);
    }

    /** The logged ops with versions from {@code from} on. */
    List<LoggedOp> loggedFrom(long from) {
        return logged.stream().filter(op -> op.version() >= from).toList();
    }

    /** The op logged at {@code version}. */
    LoggedOp at(long version) {
        return logged.stream().filter(op -> op.version() == version).findFirst().orElseThrow();
    }
}
