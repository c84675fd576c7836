package dev.livegrid.standalone;

import org.glassfish.grizzly.http.server.Request;

import java.io.CharConversionException;

/** Decides whether a request's path may reach the static handler: it decodes, and it stays inside {@code webapp/}. */
final class StaticPath {

    private StaticPath() {
    }

    /**
     * Whether the decoded path is one the static handler may look up. Grizzly's decoder already refuses
     * malformed escapes, encoded slashes and NUL, bad UTF-8 and paths above the root, but by throwing,
     * which would reach the client as a 500; the segment check does not rely on its normalising.
     */
    static boolean isServable(Request request) {
        String decoded;
        try {
            decoded = request.getDecodedRequestURI();
        } catch (CharConversionException | RuntimeException e) {
            return false;
        }
        if (decoded == null || !decoded.startsWith("/") || decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : decoded.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return false;
            }
        }
        return true;
    }
}
