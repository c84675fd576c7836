package dev.livegrid.chaos;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How long and with which seed a chaos run goes, from system properties:
 * {@code livegrid.chaos.seed} (default: a fresh one), {@code livegrid.chaos.budget} (default
 * {@code 60s}; {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h} or ISO-8601), {@code
 * livegrid.chaos.steps} (at most this many steps; default 40 per second of budget) and {@code
 * livegrid.chaos.without} (situations not to generate, comma-separated, e.g. {@code lone-surrogates}
 * while a known defect is being fixed).
 */
record ChaosConfig(long seed, Duration budget, int maxSteps, Set<String> without) {

    static final Set<String> SITUATIONS = Set.of("lone-surrogates", "restarts", "lowered-limits", "deletes", "delete-at-snapshot",
            "store-failures", "slow-readers");

    static ChaosConfig fromSystemProperties() {
        String seedText = System.getProperty("livegrid.chaos.seed", "").trim();
        long seed = seedText.isEmpty() ? new SecureRandom().nextLong() & Long.MAX_VALUE : Long.parseLong(seedText);
        Duration budget = duration(System.getProperty("livegrid.chaos.budget", "60s"));
        String stepsText = System.getProperty("livegrid.chaos.steps", "").trim();
        int steps = stepsText.isEmpty() ? (int) Math.max(50, budget.toSeconds() * 40) : Integer.parseInt(stepsText);
        Set<String> without = Arrays.stream(System.getProperty("livegrid.chaos.without", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        for (String s : without) {
            if (!SITUATIONS.contains(s)) {
                throw new IllegalArgumentException("livegrid.chaos.without: unknown situation '" + s + "'; known: " + SITUATIONS);
            }
        }
        return new ChaosConfig(seed, budget, steps, without);
    }

    boolean generates(String situation) {
        return !without.contains(situation);
    }

    /** The command that runs this configuration again. */
    String replayCommand() {
        return "mvn -B -ntp test -Dtest=SystemChaosTest -DskipITs -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dlivegrid.chaos.seed=" + seed + " -Dlivegrid.chaos.budget=" + budget.toSeconds() + "s"
                + (without.isEmpty() ? "" : " -Dlivegrid.chaos.without=" + String.join(",", without));
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
        for (String[] unit : units) {
            if (t.endsWith(unit[0]) && t.substring(0, t.length() - unit[0].length()).chars().allMatch(Character::isDigit)
                    && t.length() > unit[0].length()) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - unit[0].length())) * Long.parseLong(unit[1]));
            }
        }
        throw new IllegalArgumentException("livegrid.chaos.budget: not a duration: '" + text + "' (e.g. 60s, 15m)");
    }
}
