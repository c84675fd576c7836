package dev.livegrid.http;

/**
 * A sheet representation's entity tag is its incarnation and version in quotes ({@code "k3f9a2c1.7"}):
 * every applied op changes it, and so does deleting the sheet and creating it again (which starts the
 * versions over), and nothing else does. {@code If-None-Match} matches with the weak comparison of
 * RFC 9110 §13.1.2: {@code *}, or a list holding the tag with or without {@code W/}.
 */
final class EntityTags {

    private EntityTags() {
    }

    static String of(String incarnation, long version) {
        return "\"" + incarnation + "." + version + "\"";
    }

    /** Whether an {@code If-None-Match} header (null: absent) matches the tag, so the answer is 304. */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String t = candidate.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
