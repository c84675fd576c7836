package dev.livegrid.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The headers every page, file and API answer carries, on every runtime (docs/HTTP-API.md, "Response
 * headers"): a Content-Security-Policy that lets the page load only its own scripts, styles and images
 * and talk only to its own server, {@code X-Content-Type-Options: nosniff} and
 * {@code Referrer-Policy: no-referrer}. The standalone server and the WAR's filter both ask this class.
 */
public final class SecurityHeaders {

    public static final String CSP = "Content-Security-Policy";
    public static final String NOSNIFF = "X-Content-Type-Options";
    public static final String REFERRER_POLICY = "Referrer-Policy";

    /** A {@code Host} header as browsers send it: a name or IPv4 address, or an IPv6 literal, and a port. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

    private final String frameAncestors;

    /** @param frameAncestors the CSP sources of {@code livegrid.frame-ancestors}, already validated by the settings */
    public SecurityHeaders(String frameAncestors) {
        this.frameAncestors = frameAncestors;
    }

    /** The headers for an answer to a request with this {@code Host} header (null if it had none). */
    public Map<String, String> forHost(String host) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CSP, policy(host));
        headers.put(NOSNIFF, "nosniff");
        headers.put(REFERRER_POLICY, "no-referrer");
        return headers;
    }

    /**
     * The policy. Inline scripts and styles are refused (the pages have none). {@code 'self'} covers the
     * page's WebSocket only in browsers that follow CSP 3 on this point, so the socket's origin is named
     * as well: the page connects to the host it was loaded from, with {@code ws:} under http and
     * {@code wss:} under https. Both are listed, since behind a TLS proxy LiveGrid cannot tell which the
     * page used; a browser never lets an https page open {@code ws:} anyway. A Host that is not a
     * plain host and port is left out rather than copied into the header.
     */
    String policy(String host) {
        String sockets = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
        return "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'" + sockets
                + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors " + frameAncestors;
    }
}
