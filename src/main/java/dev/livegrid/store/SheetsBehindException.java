package dev.livegrid.store;

import java.util.Set;

/**
 * A commit refused because other writers (another LiveGrid node on the same database) committed
 * versions of these sheets after the ones the commit was numbered from. Nothing of the commit was
 * written; the other sheets' changes may be committed again without these sheets' ops. The rooms of
 * these sheets read what they missed ({@link SheetStore#tail}) and number their ops again.
 */
public final class SheetsBehindException extends RuntimeException {

    private final Set<String> sheetIds;

    public SheetsBehindException(Set<String> sheetIds) {
        super("sheets moved on in the store since their ops were numbered: " + sheetIds, null, false, false);
        this.sheetIds = Set.copyOf(sheetIds);
    }

    public Set<String> sheetIds() {
        return sheetIds;
    }
}
