package dev.livegrid.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Someone in the sheet (docs/PROTOCOL.md §7.4 {@code presence}): one entry per user, however many
 * connections they have, named as their latest connection names them.
 *
 * @param id    the user id ({@code you} of that user's welcome)
 * @param name  the display name
 * @param focus the cell their cursor is on, or null when on none
 */
public record User(String id, String name, CellRef focus) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** {@link #focus()} as an Optional. */
    public Optional<CellRef> focusedCell() {
        return Optional.ofNullable(focus);
    }
}
