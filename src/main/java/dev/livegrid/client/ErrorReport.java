package dev.livegrid.client;

import java.util.Objects;

/**
 * A problem that is not the answer to one op, for {@link SheetListener#onError}: a server {@code error}
 * message ({@code bad-message}, {@code bad-token}, docs/PROTOCOL.md §7.4), or one of the client's own:
 * <ul>
 * <li>{@code bad-server-message}: a frame from the server this client could not read;</li>
 * <li>{@code sheet-replaced}: the sheet was deleted and created again while this client was away, so its
 *     unacknowledged ops were dropped (each op's future failed with {@link OpRejectedException});</li>
 * <li>{@code refused}: reconnecting was refused in a way retrying cannot change (HTTP 400, 401 or 403).</li>
 * </ul>
 */
public record ErrorReport(String code, String message) {

    public ErrorReport {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
