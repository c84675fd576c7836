package dev.livegrid.chaos;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last steps taken and what happened in them, for the failure report. */
final class StepLog {

    private static final int KEEP_LINES = 120;
    private static final int REPORT_STEPS = 30;

    /** {@code -Dlivegrid.chaos.verbose=true} prints every line as it happens. */
    private static final boolean VERBOSE = Boolean.getBoolean("livegrid.chaos.verbose");

    private final Deque<String> lines = new ArrayDeque<>();
    private final Deque<Integer> stepOfLine = new ArrayDeque<>();
    private int step;

    synchronized void step(int number, String description) {
        step = number;
        add("#" + number + " " + description);
    }

    /** Something that happened during the current step (a close, a rejection worth knowing...). */
    synchronized void note(String what) {
        add("    " + what);
    }

    private void add(String line) {
        if (VERBOSE) {
            System.out.println("[chaos] " + line);
        }
        lines.addLast(line);
        stepOfLine.addLast(step);
        while (lines.size() > KEEP_LINES) {
            lines.removeFirst();
            stepOfLine.removeFirst();
        }
    }

    /** The lines of the last 30 steps (shortened if they noted a lot). */
    synchronized String lastSteps() {
        StringBuilder out = new StringBuilder();
        var l = lines.iterator();
        var s = stepOfLine.iterator();
        while (l.hasNext()) {
            String line = l.next();
            if (s.next() > step - REPORT_STEPS) {
                out.append(line, 0, Math.min(line.length(), 400)).append('\n');
            }
        }
        return out.toString();
    }
}
