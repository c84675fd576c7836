package dev.livegrid.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A listener that writes down what a client reported, for tests to wait for and check. */
final class Recorder implements SheetListener {

    record StatusChange(Status status, Disconnection cause) {
    }

    record Welcome(long version, boolean resumed) {
    }

    private final List<Applied> changes = new ArrayList<>();
    private final List<StatusChange> statuses = new ArrayList<>();
    private final List<Welcome> welcomes = new ArrayList<>();
    private final List<ErrorReport> errors = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    private List<User> users = List.of();

    @Override
    public synchronized void onWelcome(Table table, boolean resumed) {
        welcomes.add(new Welcome(table.version(), resumed));
        threads.add(Thread.currentThread().getName());
    }

    @Override
    public synchronized void onChange(Applied applied, Table table) {
        if (table.version() != applied.version()) {
            throw new AssertionError("the table given with version " + applied.version() + " is at " + table.version());
        }
        changes.add(applied);
        threads.add(Thread.currentThread().getName());
    }

    @Override
    public synchronized void onPresence(List<User> now) {
        users = now;
    }

    @Override
    public synchronized void onStatus(Status status, Disconnection cause) {
        statuses.add(new StatusChange(status, cause));
    }

    @Override
    public synchronized void onError(ErrorReport error) {
        errors.add(error);
    }

    synchronized List<Long> versions() {
        return changes.stream().map(Applied::version).toList();
    }

    synchronized List<Applied> changes() {
        return List.copyOf(changes);
    }

    synchronized List<StatusChange> statuses() {
        return List.copyOf(statuses);
    }

    synchronized List<Welcome> welcomes() {
        return List.copyOf(welcomes);
    }

    synchronized List<ErrorReport> errors() {
        return List.copyOf(errors);
    }

    synchronized List<User> users() {
        return users;
    }

    /** Names of the threads listeners were called on. */
    synchronized List<String> threads() {
        return List.copyOf(threads);
    }

    synchronized boolean saw(Status status) {
        return statuses.stream().anyMatch(s -> s.status() == status);
    }

    void awaitStatus(Status status) {
        Eventually.until("status " + status, () -> saw(status), () -> "; statuses seen: " + statuses());
    }

    void awaitUsers(String what, Predicate<List<User>> condition) {
        Eventually.until(what, () -> condition.test(users()), () -> "; users: " + users());
    }

    void awaitVersion(long version) {
        Eventually.until("a change with version " + version, () -> versions().contains(version),
                () -> "; versions seen: " + versions());
    }
}
