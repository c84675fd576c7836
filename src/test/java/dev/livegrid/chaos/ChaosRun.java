package dev.livegrid.chaos;

import dev.livegrid.config.Setting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One seeded run: start a real server on a data directory, take random steps until the budget (in
 * time and in steps) is spent or a promise breaks, check the promises after every step, audit what
 * was acknowledged now and then, and end with a restart and a last audit. Returns the report.
 */
final class ChaosRun {

    /** How a run ended. */
    record Outcome(boolean broken, String report) {
    }

    private static final int AUDIT_EVERY = 25;
    /** Kept back from the budget for the final restart and audit. */
    private static final Duration FINAL_RESERVE = Duration.ofSeconds(3);

    private final ChaosConfig config;
    private final Path dataDir;

    ChaosRun(ChaosConfig config, Path dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    Outcome run(Violations external) throws Exception {
        Random kinds = new Random(config.seed());
        Map<Setting, String> initial = new EnumMap<>(Setting.class);
        initial.put(Setting.OP_RATE, "100000"); // the per-connection flood limit is not what this test is after
        initial.put(Setting.OUTBOX_LIMIT, List.of("16KiB", "64KiB", "64KiB", "1MiB").get(kinds.nextInt(4)));
        initial.put(Setting.OP_WINDOW, List.of("1000", "300").get(kinds.nextInt(2)));
        long started = System.nanoTime();
        Map<StepKind, Integer> taken = new EnumMap<>(StepKind.class);
        int step = 0;
        try (ChaosServer server = new ChaosServer(dataDir, initial);
             World world = new World(config, server, external);
             ServerLog serverLog = new ServerLog(world.violations)) {
            server.start();
            world.log.step(0, "start " + server.describe());
            Steps steps = new Steps(world);
            Checks checks = new Checks(world);
            Duration stepBudget = config.budget().minus(FINAL_RESERVE);
            while (step < config.maxSteps() && !world.violations.any()) {
                Duration left = stepBudget.minusNanos(System.nanoTime() - started);
                if (left.isNegative()) {
                    break;
                }
                step++;
                world.violations.step(step);
                StepKind kind = StepKind.choose(kinds, config, left);
                taken.merge(kind, 1, Integer::sum);
                world.log.step(step, kind.name() + String.format(" (%.1f s)", (System.nanoTime() - started) / 1e9));
                try {
                    steps.run(kind, new Random(config.seed() * 1_000_003L + step));
                } catch (Exception e) {
                    world.violations.add(Promise.P6_ANSWERED, "the step did not complete: " + trace(e));
                }
                checks.afterStep();
                if (kind == StepKind.RESTART || step % AUDIT_EVERY == 0) {
                    checks.audit(new Random(config.seed() + step));
                }
            }
            if (!world.violations.any()) {
                step++;
                world.violations.step(step);
                world.log.step(step, "final audit" + (config.generates("restarts") ? " after a restart" : ""));
                if (config.generates("restarts")) {
                    steps.run(StepKind.RESTART, new Random(config.seed() * 1_000_003L + step));
                }
                checks.afterStep();
                checks.audit(new Random(config.seed() + step));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            String summary = String.format("seed %d: %d steps in %.1f s (budget %s, at most %d steps): %s; sheets %s; %s",
                    config.seed(), step, seconds, config.budget(), config.maxSteps(),
                    taken.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")),
                    versions(world), world.shared.tally());
            if (!world.violations.any()) {
                return new Outcome(false, summary);
            }
            return new Outcome(true, report(world, serverLog, summary, step, seconds));
        }
    }

    private static String trace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        String text = out.toString();
        return text.length() <= 3000 ? text : text.substring(0, 3000) + "…";
    }

    private static String versions(World world) {
        return World.SHEETS.stream().map(s -> world.incarnations.currentKey(s) + (world.existing.contains(s) ? "" : "(absent)"))
                .collect(Collectors.joining(" "));
    }

    private String report(World world, ServerLog serverLog, String summary, int step, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append("SystemChaosTest broke a promise — seed ").append(config.seed()).append(", step ").append(step)
                .append(String.format(" (%.1f s into the run)%n", seconds));
        out.append("Replay: ").append(config.replayCommand()).append('\n');
        out.append("Broken:\n");
        for (Violations.Violation v : world.violations.all()) {
            out.append("  ").append(v).append("\n    (").append(v.promise().meaning()).append(")\n");
        }
        if (world.violations.dropped() > 0) {
            out.append("  … and ").append(world.violations.dropped()).append(" more\n");
        }
        out.append("Last steps:\n").append(world.log.lastSteps());
        out.append("Server log (last warnings):\n").append(serverLog.lastRecords()).append('\n');
        out.append(summary).append('\n');
        return out.toString();
    }
}
