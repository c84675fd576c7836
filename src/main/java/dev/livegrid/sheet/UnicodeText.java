package dev.livegrid.sheet;

/**
 * How LiveGrid measures and checks text: lengths are counted in Unicode code points everywhere (on
 * the server and in the page, so an emoji is one character), and text must be well-formed UTF-16 —
 * a lone surrogate (which a JSON escape such as {@code "\ud800"} can produce) has no UTF-8 encoding,
 * so it could be neither stored nor sent.
 */
public final class UnicodeText {

    private UnicodeText() {
    }

    /** Characters as users count them: code points. */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /** Whether every surrogate in the text is half of a pair. */
    public static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the text in UTF-8 (of a well-formed text; a lone surrogate counts 3). */
    public static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
