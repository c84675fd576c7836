package dev.livegrid.sheet;

import java.util.regex.Pattern;

/** The shape of every id on the wire: sheet, row, column, user and op ids. */
public final class Ids {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
