package dev.livegrid.chaos;

import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What every client and step of one run reports to and reads from.
 *
 * @param opWindow         the smallest {@code op-window} any server of the run had: resends within half
 *                         of it must be de-duplicated
 * @param abruptEndsExpected true while the test itself cuts connections (a restart, a store failure)
 * @param unsettledJoins     sheets of joins whose client gave up waiting (a failed handshake, no welcome):
 *                           the server may still complete such a join later — after a DELETE, say — and
 *                           create the sheet anew, so the sheet may exist though no counted join made it
 * @param tally              counts of what happened
 */
record Shared(Ledger ledger, Incarnations incarnations, Violations violations, StepLog log, IntSupplier opWindow,
              BooleanSupplier abruptEndsExpected, Set<String> unsettledJoins, Tally tally) {

    /** How often the situations that need pressure happened, so that a run can show it made them. */
    static final class Tally {
        final java.util.concurrent.atomic.AtomicInteger merged = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger tooSlow = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger storeUnavailable = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public String toString() {
            return "applied messages with skipped=" + merged + ", 1013 closes=" + tooSlow + ", store-unavailable="
                    + storeUnavailable;
        }
    }
}
