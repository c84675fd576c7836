package dev.livegrid.endpoint;

import dev.livegrid.sheet.Ids;

import java.util.List;
import java.util.Map;

/**
 * What a client asks for when it connects to {@code /sheets/{sheetId}}: the sheet, its display name
 * ({@code name}, default "Guest", at most 100 characters) and, to resume, the last version it has
 * ({@code since}). Other query parameters are ignored.
 */
public record SheetJoin(String sheetId, String name, Long since) {

    public static final int MAX_NAME_LENGTH = 100;

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
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Parameter 'name' must be at most " + MAX_NAME_LENGTH
                    + " characters (Unicode code points) without control characters.");
        }
        return new SheetJoin(sheetId, name, since(first(parameters, "since")));
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
