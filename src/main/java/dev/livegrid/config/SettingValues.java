package dev.livegrid.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the text of one setting into its typed value, failing with a message that names the setting. */
final class SettingValues {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(|B|KiB|MiB)");
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://([a-z0-9.\\-]+|\\[[0-9a-f:.]+\\])");
    /**
     * One CSP source a frame-ancestors list may hold: {@code 'self'}, a scheme ({@code https:}), or a host
     * with optional scheme, {@code *.} wildcard, port and path. Nothing else: the value goes into a response
     * header, where a {@code ;} would start another directive and a {@code ,} another policy. A bare
     * {@code self} or {@code none} would be a host of that name: refused, as the keyword without its quotes.
     */
    private static final Pattern FRAME_SOURCE = Pattern.compile("(?i)'self'|[a-z][a-z0-9+.-]*:"
            + "|(?!(self|none)$)([a-z][a-z0-9+.-]*://)?(\\*|(\\*\\.)?[a-z0-9-]+(\\.[a-z0-9-]+)*)(:([0-9]{1,5}|\\*))?(/[a-z0-9._~%/-]*)?");

    private SettingValues() {
    }

    static int port(Setting setting, String text) {
        int port = integer(setting, text, "a port number from 0 to 65535");
        if (port < 0 || port > 65535) {
            throw new InvalidSettingException(setting, text, "a port number from 0 to 65535");
        }
        return port;
    }

    /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 such as {@code PT30S}; must be positive. */
    static Duration duration(Setting setting, String text) {
        String expectation = "a positive duration such as 500ms, 30s, 5m or PT30S";
        Duration value;
        Matcher m = DURATION.matcher(text.trim());
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } else {
            try {
                value = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new InvalidSettingException(setting, text, expectation);
            }
        }
        if (value.isZero() || value.isNegative()) {
            throw new InvalidSettingException(setting, text, expectation);
        }
        return value;
    }

    /** A byte count such as {@code 65536}, {@code 64KiB} or {@code 1MiB}, from {@code min} to {@code max}. */
    static long size(Setting setting, String text, long min, long max) {
        String expectation = "a size from " + min + " bytes to " + max / (1024 * 1024) + "MiB, such as 65536, 64KiB or 1MiB";
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidSettingException(setting, text, expectation);
        }
        long unit = switch (m.group(2)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            default -> 1L;
        };
        long size = Long.parseLong(m.group(1)) * unit;
        if (size < min || size > max) {
            throw new InvalidSettingException(setting, text, expectation);
        }
        return size;
    }

    /** Comma-separated origins ({@code scheme://host[:port]}) or {@code *}; blank means none. */
    static Set<String> origins(Setting setting, String text) {
        Set<String> origins = new LinkedHashSet<>();
        for (String item : text.split(",")) {
            String origin = item.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals("*") && !isOrigin(origin)) {
                throw new InvalidSettingException(setting, text,
                        "'" + origin + "' is not an origin; write scheme://host[:port] as a browser sends it"
                                + " (e.g. https://grid.example.com), or * for any");
            }
            origins.add(origin.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(origins);
    }

    private static boolean isOrigin(String text) {
        String[] hostAndPort = text.split("://", 2);
        if (hostAndPort.length != 2 || !Arrays.asList("http", "https").contains(hostAndPort[0].toLowerCase(Locale.ROOT))) {
            return false;
        }
        String authority = hostAndPort[1];
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && !authority.endsWith("]")) {
            String port = authority.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                return false;
            }
            authority = authority.substring(0, colon);
        }
        return ORIGIN.matcher(hostAndPort[0] + "://" + authority).matches();
    }

    static int positive(Setting setting, String text, int max) {
        String expectation = "a whole number from 1 to " + max;
        int value = integer(setting, text, expectation);
        if (value < 1 || value > max) {
            throw new InvalidSettingException(setting, text, expectation);
        }
        return value;
    }

    static boolean bool(Setting setting, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new InvalidSettingException(setting, text, "true or false");
        };
    }

    /**
     * Space-separated CSP sources for {@code frame-ancestors}, or {@code 'none'} alone; returned with single
     * spaces and the keywords in lower case.
     */
    static String frameAncestors(Setting setting, String text) {
        String[] sources = text.trim().split(" +");
        if (sources.length == 1 && sources[0].equalsIgnoreCase("'none'")) {
            return "'none'";
        }
        for (int i = 0; i < sources.length; i++) {
            if (!FRAME_SOURCE.matcher(sources[i]).matches()) {
                throw new InvalidSettingException(setting, text, "CSP sources separated by spaces, such as 'self' (with"
                        + " its quotes) or https://portal.example.com, or 'none' alone; no ; , or control characters");
            }
            sources[i] = sources[i].equalsIgnoreCase("'self'") ? "'self'" : sources[i];
        }
        return String.join(" ", sources);
    }

    static String id(Setting setting, String text) {
        String value = text.trim();
        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidSettingException(setting, text, "a sheet id of 1-64 characters [A-Za-z0-9_-]");
        }
        return value;
    }

    private static int integer(Setting setting, String text, String expectation) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(setting, text, expectation);
        }
    }
}
