package dev.livegrid.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a reader judges versioned test texts ({@code "V:what"}, re-encoded as {@code "V:what skipped [a, b]"})
 * the way livegrid.js's {@code sequenceOf} judges {@code applied} messages.
 */
final class ReaderSequence {

    static final String APPLY = "apply";
    static final String STALE = "stale";
    static final String GAP = "gap";

    private static final Pattern VERSIONED = Pattern.compile("(\\d+):(\\S+)(?: skipped \\[([0-9, ]*)])?");

    /** One versioned text: its version, what it is about (a cell, or a kind of op), the versions it lists as skipped. */
    record Message(long version, String what, List<Long> skipped) {
    }

    private ReaderSequence() {
    }

    /** The versioned message a text carries, or null for a text without a version (presence, plain text). */
    static Message parse(String text) {
        Matcher m = VERSIONED.matcher(text);
        if (!m.matches()) {
            return null;
        }
        List<Long> skipped = m.group(3) == null || m.group(3).isBlank() ? List.of()
                : Arrays.stream(m.group(3).split(", ")).map(Long::valueOf).toList();
        return new Message(Long.parseLong(m.group(1)), m.group(2), skipped);
    }

    /** livegrid.js's {@code sequenceOf}: where {@code message} stands after {@code last} was applied. */
    static String sequenceOf(long last, Message message) {
        if (message.version() <= last) {
            return STALE;
        }
        Set<Long> skipped = new HashSet<>(message.skipped());
        for (long missing = last + 1; missing < message.version(); missing++) {
            if (!skipped.contains(missing)) {
                return GAP;
            }
        }
        return APPLY;
    }

    /** The verdict on each versioned text after the first, which is the welcome a reader starts from. */
    static List<String> verdicts(List<String> texts) {
        List<String> verdicts = new ArrayList<>();
        Long last = null;
        for (String text : texts) {
            Message message = parse(text);
            if (message == null) {
                continue;
            }
            if (last == null) {
                last = message.version();
                continue;
            }
            String verdict = sequenceOf(last, message);
            verdicts.add(verdict);
            if (verdict.equals(APPLY)) {
                last = message.version();
            }
        }
        return verdicts;
    }
}
