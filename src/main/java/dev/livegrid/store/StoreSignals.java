package dev.livegrid.store;

import dev.livegrid.sheet.Ids;

/**
 * The messages a commit sends other servers on the same database (PostgreSQL {@code NOTIFY} on
 * channel {@value #CHANNEL}, delivered only if the commit is): a doorbell, never the data itself —
 * a server that hears one reads what changed from the tables, and one that missed some finds out by
 * polling. Each names the server that sent it (a random id per store), so a server ignores its own.
 * Sheet ids never contain {@code :} ({@link Ids}), so the payloads split unambiguously.
 * <ul>
 *   <li>{@code moved:<sheet>:<version>:<server>} — ops up to that version are committed;</li>
 *   <li>{@code deleted:<sheet>::<server>} — the sheet was deleted;</li>
 *   <li>{@code access:<sheet>::<server>} — its access list changed;</li>
 *   <li>{@code presence:<sheet>::<server>} — who is on the sheet through that server changed.</li>
 * </ul>
 */
public final class StoreSignals {

    public static final String CHANNEL = "livegrid";

    /** One message, parsed; {@code version} is 0 unless it is {@code moved}. */
    public record Signal(Kind kind, String sheetId, long version, String server) {
    }

    public enum Kind { MOVED, DELETED, ACCESS, PRESENCE }

    private StoreSignals() {
    }

    static String moved(String sheetId, long version, String server) {
        return "moved:" + sheetId + ":" + version + ":" + server;
    }

    static String deleted(String sheetId, String server) {
        return "deleted:" + sheetId + "::" + server;
    }

    static String accessChanged(String sheetId, String server) {
        return "access:" + sheetId + "::" + server;
    }

    static String presence(String sheetId, String server) {
        return "presence:" + sheetId + "::" + server;
    }

    /** The message, or null if it is not one of these (another application on the channel, a later version's). */
    public static Signal parse(String payload) {
        String[] parts = payload == null ? new String[0] : payload.split(":", -1);
        if (parts.length != 4 || !Ids.isValid(parts[1])) {
            return null;
        }
        try {
            return switch (parts[0]) {
                case "moved" -> new Signal(Kind.MOVED, parts[1], Long.parseLong(parts[2]), parts[3]);
                case "deleted" -> parts[2].isEmpty() ? new Signal(Kind.DELETED, parts[1], 0, parts[3]) : null;
                case "access" -> parts[2].isEmpty() ? new Signal(Kind.ACCESS, parts[1], 0, parts[3]) : null;
                case "presence" -> parts[2].isEmpty() ? new Signal(Kind.PRESENCE, parts[1], 0, parts[3]) : null;
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
