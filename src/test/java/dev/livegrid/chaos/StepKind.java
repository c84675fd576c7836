package dev.livegrid.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The kinds of step, with how often each is chosen, the situation it belongs to (so that it can be
 * left out) and the budget it needs left to be started at all (so that a run ends close to its
 * budget).
 */
enum StepKind {
    JOIN(8, null, 0),
    LEAVE(5, null, 0),
    RESUME(9, null, 0),
    OPS(24, null, 0),
    BURST(8, null, 0),
    HTTP_OPS(7, null, 0),
    RESEND(5, null, 0),
    PAUSE(4, "slow-readers", 0),
    UNPAUSE(5, "slow-readers", 0),
    FLOOD(4, null, 20),
    DELETE(3, "deletes", 0),
    DELETE_AT_SNAPSHOT(2, "delete-at-snapshot", 10),
    RESUME_ACROSS_DELETE(3, "deletes", 5),
    STORE_FAILURE(2, "store-failures", 20),
    RESTART(3, "restarts", 6);

    final int weight;
    final String situation;
    final Duration needs;

    StepKind(int weight, String situation, int needsSeconds) {
        this.weight = weight;
        this.situation = situation;
        this.needs = Duration.ofSeconds(needsSeconds);
    }

    /**
     * The next kind, chosen by weight among those the configuration generates. The choice depends on
     * the seed only (never on timing), so a seed replays the same sequence of kinds; a kind that needs
     * more budget than is left becomes {@link #OPS}.
     */
    static StepKind choose(Random random, ChaosConfig config, Duration left) {
        List<StepKind> kinds = List.of(values());
        int total = kinds.stream().mapToInt(k -> k.weight).sum();
        int pick = random.nextInt(total);
        StepKind chosen = OPS;
        for (StepKind k : kinds) {
            if (pick < k.weight) {
                chosen = k;
                break;
            }
            pick -= k.weight;
        }
        boolean allowed = chosen.situation == null || config.generates(chosen.situation);
        return allowed && left.compareTo(chosen.needs) >= 0 ? chosen : OPS;
    }
}
