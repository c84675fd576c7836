package dev.livegrid.access;

import java.util.Map;

/**
 * The roles an identity brings with it (a token's {@code livegrid} claim, or the container's roles):
 * a role on every sheet, roles per sheet ({@code "*"} for every other sheet), and whether the user
 * is a server-wide admin. A sheet's own entry wins over {@code "*"}, which wins over the role for
 * every sheet.
 *
 * @param everySheet the role on every sheet, or null
 * @param perSheet   roles by sheet id, {@code "*"} for any sheet not named
 * @param admin      owner of every sheet, and may list them all
 */
public record Grants(Role everySheet, Map<String, Role> perSheet, boolean admin) {

    /** Everything on every sheet: {@code auth=none}, where anyone who reaches the server may do anything. */
    public static final Grants EVERYTHING = new Grants(Role.OWNER, Map.of(), true);

    public Grants {
        perSheet = Map.copyOf(perSheet);
    }

    /** The role these grants give on {@code sheetId}, before the sheet's access list has a say. */
    public Role on(String sheetId) {
        if (admin) {
            return Role.OWNER;
        }
        Role role = perSheet.get(sheetId);
        if (role == null) {
            role = perSheet.get("*");
        }
        if (role == null) {
            role = everySheet;
        }
        return role == null ? Role.NONE : role;
    }
}
