package dev.livegrid.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The client's listeners, each called in turn; one that throws is logged and does not stop the others. */
final class ListenerList {

    private static final System.Logger LOG = System.getLogger(LiveGridClient.class.getName());

    private final List<SheetListener> listeners = new CopyOnWriteArrayList<>();

    void add(SheetListener listener) {
        listeners.add(listener);
    }

    void remove(SheetListener listener) {
        listeners.remove(listener);
    }

    void welcome(Table table, boolean resumed) {
        each(l -> l.onWelcome(table, resumed));
    }

    void change(Applied applied, Table table) {
        each(l -> l.onChange(applied, table));
    }

    void presence(List<User> users) {
        each(l -> l.onPresence(users));
    }

    void status(Status status, Disconnection cause) {
        each(l -> l.onStatus(status, cause));
    }

    void role(String role) {
        each(l -> l.onRole(role));
    }

    void error(ErrorReport error) {
        each(l -> l.onError(error));
    }

    private void each(Consumer<SheetListener> call) {
        for (SheetListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "LiveGrid client: a SheetListener threw; ignored", e);
            }
        }
    }
}
