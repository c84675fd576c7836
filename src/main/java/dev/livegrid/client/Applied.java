package dev.livegrid.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An op the server applied, and the sheet version it made: what {@link SheetListener#onChange} receives
 * for every op of the sheet, and what the future of this client's own op completes with.
 *
 * @param version the sheet version this op made (see {@code merged})
 * @param by      the author's user id ({@code http} for an op sent over HTTP to a server without access control)
 * @param id      the op id its author gave it
 * @param op      the op as applied, with the ids the server assigned
 * @param skipped versions the server will not send this client because it merged them into newer edits of
 *                the same cells (a client that reads too slowly, docs/PROTOCOL.md §7.4); usually empty
 * @param merged  true only for an op of this client whose own acknowledgement the server merged into a newer
 *                edit of the same cell, because this client read too slowly: the op was applied, but its own
 *                version is unknown and {@code version} is that of the later acknowledgement that proved it
 *                applied. Always false for {@link SheetListener#onChange}
 */
public record Applied(long version, String by, String id, Op op, List<Long> skipped, boolean merged) {

    public Applied {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(op, "op");
        skipped = Values.copy(skipped);
    }

    /** The id of the row ({@code insertRow}) or column ({@code addColumn}) this op created; empty for other ops. */
    public Optional<String> createdId() {
        if (op instanceof Op.InsertRow insert) {
            return Optional.ofNullable(insert.row());
        }
        if (op instanceof Op.AddColumn add) {
            return Optional.ofNullable(add.col());
        }
        return Optional.empty();
    }
}
