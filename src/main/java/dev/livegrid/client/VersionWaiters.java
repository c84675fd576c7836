package dev.livegrid.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Futures of {@link LiveGridClient#awaitVersion}: each completes with the first table at or past its version. Event thread only. */
final class VersionWaiters {

    private record Waiter(long version, CompletableFuture<Table> result) {
    }

    private final List<Waiter> waiting = new ArrayList<>();

    void add(long version, CompletableFuture<Table> result) {
        waiting.removeIf(w -> w.result().isDone()); // timed out meanwhile
        waiting.add(new Waiter(version, result));
    }

    void reached(Table table) {
        if (waiting.isEmpty()) {
            return;
        }
        waiting.removeIf(w -> w.result().isDone() || (table.version() >= w.version() && w.result().complete(table)));
    }

    void failAll(Throwable reason) {
        waiting.forEach(w -> w.result().completeExceptionally(reason));
        waiting.clear();
    }
}
