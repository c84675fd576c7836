package dev.livegrid.client;

import java.util.Objects;
import java.util.Optional;

/**
 * An op that was not applied: the server answered {@code rejected} (docs/PROTOCOL.md §7.4), or this
 * client gave it up. Nothing of it was applied.
 * <p>
 * {@link #code()} is the server's — {@code conflict}, {@code no-such-row}, {@code no-such-column},
 * {@code invalid}, {@code too-large}, {@code read-only}, {@code store-unavailable}, {@code no-such-sheet},
 * {@code server-error} ({@code rate-limited} never reaches a future: such an op is sent again) — or
 * one of this client's:
 * <ul>
 * <li>{@code superseded}: the server asked this client to wait ({@code rate-limited}) and, meanwhile, a
 *     newer edit of the same cell was made by this client; sending the older one late would put the older
 *     value back, so it is dropped;</li>
 * <li>{@code sheet-replaced}: the sheet was deleted and created again while this client was away; the op
 *     was meant for a table that no longer exists;</li>
 * <li>{@code too-large}, with a message naming close 1009: the server closed the connection for a message
 *     over its size limit, and this op, the largest unacknowledged one, is the likely culprit.</li>
 * </ul>
 */
public final class OpRejectedException extends LiveGridException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String opId;
    private final transient Op op;
    private final transient Table.Cell current;

    /**
     * @param current the cell's winning value and version for a {@code conflict}; null otherwise
     */
    public OpRejectedException(String code, String message, String opId, Op op, Table.Cell current) {
        super(Objects.requireNonNull(code, "code") + ": " + message + " (op " + opId + ")");
        this.code = code;
        this.opId = opId;
        this.op = op;
        this.current = current;
    }

    /** Why, as a stable code (see the class description). */
    public String code() {
        return code;
    }

    /** The id this client gave the op. */
    public String opId() {
        return opId;
    }

    /** The op as this client sent it. */
    public Op op() {
        return op;
    }

    /** For a {@code conflict}: the cell's current value and version, which won. */
    public Optional<Table.Cell> current() {
        return Optional.ofNullable(current);
    }
}
