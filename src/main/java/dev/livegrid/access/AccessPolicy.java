package dev.livegrid.access;

import java.util.Map;

/**
 * The one rule of who may do what on a sheet: an admin owns every sheet; otherwise the sheet's
 * access-list entry for the user, when there is one, decides (so an owner can downgrade, or shut
 * out with {@code none}, someone their identity provider granted more); otherwise the identity's
 * own grants do.
 */
public final class AccessPolicy {

    private AccessPolicy() {
    }

    /** The role of {@code who} on {@code sheetId}, whose access list is {@code accessList} (user id to role). */
    public static Role roleOf(Identity who, String sheetId, Map<String, Role> accessList) {
        if (who.isAdmin()) {
            return Role.OWNER;
        }
        Role entry = accessList.get(who.userId());
        return entry != null ? entry : who.grants().on(sheetId);
    }
}
