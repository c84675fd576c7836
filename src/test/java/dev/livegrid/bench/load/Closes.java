package dev.livegrid.bench.load;

import java.util.TreeMap;

/** How connections ended, by close code (1006: TCP ended without one; negative: handshake status). */
final class Closes {

    private final TreeMap<Integer, Integer> byCode = new TreeMap<>();

    void add(int code) {
        byCode.merge(code, 1, Integer::sum);
    }

    int total() {
        return byCode.values().stream().mapToInt(Integer::intValue).sum();
    }

    JsonLine json() {
        JsonLine json = new JsonLine();
        byCode.forEach((code, n) -> json.put(String.valueOf(code), n));
        return json;
    }
}
