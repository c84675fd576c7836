package dev.livegrid.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded, randomized test of the whole system: a real server on a real data directory, real
 * WebSocket and HTTP clients, and random steps — joins, leaves and resumes with {@code since}; ops of
 * every kind with and without {@code base}; resends of old op ids; slow readers; {@code DELETE} and
 * re-creation of the same sheet id; store failures; restarts on the same data directory, with changed
 * limits too — checking the promises of {@link Promise} after every step.
 * <p>
 * It prints its seed first; a failure names the seed, the step, the promise and the last steps, and
 * {@code -Dlivegrid.chaos.seed=N} replays the same sequence of steps. The budget is
 * {@code -Dlivegrid.chaos.budget} (60 s by default, what CI spends); see {@link ChaosConfig}.
 */
class SystemChaosTest {

    /** Beyond the budget: the final audit, and the deadlines of a step that started just before the end. */
    private static final Duration MARGIN = Duration.ofMinutes(3);

    @TempDir
    Path data;

    @Test
    void everyPromiseHoldsAfterEveryRandomStep() {
        ChaosConfig config = ChaosConfig.fromSystemProperties();
        System.out.println("[chaos] seed " + config.seed() + ", budget " + config.budget() + ", at most "
                + config.maxSteps() + " steps" + (config.without().isEmpty() ? "" : ", without " + config.without())
                + " — replay: " + config.replayCommand());
        Violations violations = new Violations();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> violations.add(Promise.P5_NO_THREAD_DIES,
                "thread " + thread.getName() + " died: " + e + java.util.Arrays.stream(e.getStackTrace()).limit(12)
                        .map(f -> "\n        at " + f).collect(java.util.stream.Collectors.joining())));
        ChaosRun.Outcome outcome;
        try {
            outcome = assertTimeoutPreemptively(config.budget().plus(MARGIN),
                    () -> new ChaosRun(config, data).run(violations),
                    () -> "[chaos] seed " + config.seed() + ": the run did not end within its budget " + config.budget()
                            + " + " + MARGIN + "; replay: " + config.replayCommand());
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        if (outcome.broken()) {
            fail(outcome.report());
        }
        System.out.println("[chaos] every promise held — " + outcome.report());
    }
}
