package dev.livegrid.session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Splits a message into fragments of at most a given number of bytes. */
final class Fragments {

    private Fragments() {
    }

    /**
     * Text is cut only between code points (a fragment is a {@code String}), so a fragment holds at
     * most {@code size} UTF-8 bytes, or one code point when that alone is larger. An empty text is
     * one empty fragment.
     */
    static Iterator<String> ofText(String text, int size) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int width = utf8Width(cp);
            if (bytes > 0 && bytes + width > size) {
                parts.add(text.substring(start, i));
                start = i;
                bytes = 0;
            }
            bytes += width;
            i += Character.charCount(cp);
        }
        parts.add(text.substring(start));
        return parts.iterator();
    }

    /** Binary is cut every {@code size} bytes; an empty message is one empty fragment. */
    static Iterator<ByteBuffer> ofBinary(ByteBuffer data, int size) {
        List<ByteBuffer> parts = new ArrayList<>();
        do {
            ByteBuffer part = data.slice();
            part.limit(Math.min(size, data.remaining()));
            parts.add(part);
            data.position(data.position() + part.limit());
        } while (data.hasRemaining());
        return parts.iterator();
    }

    private static int utf8Width(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
