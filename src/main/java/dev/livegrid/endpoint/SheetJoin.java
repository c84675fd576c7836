package dev.livegrid.endpoint;

import dev.livegrid.sheet.Ids;
import dev.livegrid.sheet.UnicodeText;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a client asks for when it connects to {@code /sheets/{sheetId}}: the sheet, its display name
 * ({@code name}, default "Guest", at most 100 characters), to resume the last version it has
 * ({@code since}) of the sheet's incarnation it saw ({@code incarnation}), and its own secret key
 * ({@code client}), which it keeps across reconnects so that its resent ops are recognised. Other
 * query parameters are ignored.
 */
public record SheetJoin(String sheetId, String name, Long since, String incarnation, String client) {

    public static final int MAX_NAME_LENGTH = 100;
    /** A client key: random, long enough not to be guessed. */
    private static final Pattern CLIENT_KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    /**
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SheetJoin parse(String sheetId, Map<String, List<String>> parameters) {
        if (!Ids.isValid(sheetId)) {
            throw new IllegalArgumentException("A sheet id is 1-64 characters [A-Za-z0-9_-], not '" + sheetId + "'.");
        }
        String name = first(parameters, "name");
        name = name == null || name.isBlank() ? "Guest" : name.strip();
        // Characters are code points, as the page counts them: an emoji is one, not two UTF-16 units.
        if (UnicodeText.length(name) > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)
                || !UnicodeText.isWellFormed(name)) {
            throw new IllegalArgumentException("Parameter 'name' must be at most " + MAX_NAME_LENGTH
                    + " characters (Unicode code points) without control characters.");
        }
        String incarnation = first(parameters, "incarnation");
        if (incarnation != null && !Ids.isValid(incarnation)) {
            throw new IllegalArgumentException("Parameter 'incarnation' must be the sheet's incarnation as a welcome"
                    + " gave it (1-64 characters [A-Za-z0-9_-]).");
        }
        String client = first(parameters, "client");
        if (client != null && !CLIENT_KEY.matcher(client).matches()) {
            throw new IllegalArgumentException("Parameter 'client' must be a random key of 16-64 characters"
                    + " [A-Za-z0-9_-], kept by the client across its reconnects.");
        }
        return new SheetJoin(sheetId, name, since(first(parameters, "since")), incarnation, client);
    }

    private static Long since(String text) {
        if (text == null) {
            return null;
        }
        try {
            long since = Long.parseLong(text);
            if (since >= 0 && text.matches("\\d+")) {
                return since;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("Parameter 'since' must be a sheet version (0 or more), not '" + text + "'.");
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
