package dev.livegrid.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} arguments, each read with its default; the ones read are the run's parameters. */
final class Options {

    private final Map<String, String> given = new LinkedHashMap<>();
    private final JsonLine used = new JsonLine();

    Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            given.put(args[i].substring(2), args[++i]);
        }
    }

    /** A setting of the run itself (server, port, label), not recorded among the mode's parameters. */
    String string(String name, String fallback) {
        return given.getOrDefault(name, fallback);
    }

    /** A word the mode's results depend on (recorded among the parameters, unlike {@link #string}). */
    String choice(String name, String fallback) {
        String value = string(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        int value = Integer.parseInt(given.getOrDefault(name, String.valueOf(fallback)));
        used.put(name, value);
        return value;
    }

    double decimal(String name, double fallback) {
        double value = Double.parseDouble(given.getOrDefault(name, String.valueOf(fallback)));
        used.put(name, value);
        return value;
    }

    /** The parameters a mode read, with the values it used. */
    JsonLine parameters() {
        return used;
    }
}
