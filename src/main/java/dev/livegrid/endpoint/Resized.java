package dev.livegrid.endpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code /echo?size=N}: a reply of exactly N bytes made from the message. Text is cut at the last
 * whole code point that fits and padded with spaces; binary is cut or padded with zero bytes.
 */
final class Resized {

    private Resized() {
    }

    static Object to(Object message, int size) {
        if (message instanceof String text) {
            return text(text, size);
        }
        ByteBuffer data = ((ByteBuffer) message).duplicate();
        byte[] bytes = new byte[size];
        data.get(bytes, 0, Math.min(size, data.remaining()));
        return ByteBuffer.wrap(bytes);
    }

    private static String text(String text, int size) {
        StringBuilder out = new StringBuilder(size);
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int length = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + length > size) {
                break;
            }
            out.appendCodePoint(codePoint);
            bytes += length;
            i += Character.charCount(codePoint);
        }
        char[] padding = new char[size - bytes];
        Arrays.fill(padding, ' ');
        return out.append(padding).toString();
    }
}
