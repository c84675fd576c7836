package dev.livegrid.access;

import java.util.Locale;

/**
 * What a user may do on one sheet, each role including the ones before it: {@code viewer} joins and
 * reads, {@code editor} also sends ops, {@code owner} also deletes the sheet and manages its access
 * list. {@code none} is no access at all (an access-list entry of {@code none} shuts a user out).
 */
public enum Role {
    NONE, VIEWER, EDITOR, OWNER;

    /** The role as it appears on the wire and in tokens: {@code none}, {@code viewer}, … */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public boolean canRead() {
        return atLeast(VIEWER);
    }

    public boolean canEdit() {
        return atLeast(EDITOR);
    }

    public boolean canManage() {
        return atLeast(OWNER);
    }

    /**
     * The role named {@code text} ({@code none|viewer|editor|owner}, exactly so).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wire().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("a role is none, viewer, editor or owner, not '" + text + "'");
    }
}
