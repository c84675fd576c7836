package dev.livegrid.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies of the collections the public values hold ({@link Map#copyOf} refuses null values, which cells may have). */
final class Values {

    private Values() {
    }

    static <V> Map<String, V> copyAllowingNullValues(Map<String, V> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
