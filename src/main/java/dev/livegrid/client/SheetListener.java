package dev.livegrid.client;

import java.util.List;

/**
 * What a {@link LiveGridClient} reports. Every method has an empty default: implement those you need.
 * <p>
 * All calls come one at a time, in order, on the client's event thread (named
 * {@code livegrid-client-<sheet>-<n>}), the thread that also completes the client's futures. Return
 * quickly and never wait there for something of the same client (a future's {@code join()}, say): the
 * client reads nothing more until the call returns, and a call that blocks longer than the server's
 * {@code pong-timeout} costs the connection (the client then resumes). An exception thrown here is
 * logged and otherwise ignored.
 */
public interface SheetListener {

    /**
     * A welcome arrived: the client joined (or rejoined) the sheet.
     *
     * @param table   the table now: the whole sheet after a full welcome; after a resume, the table this
     *                client had, whose missed changes follow through {@link #onChange}
     * @param resumed true when this welcome resumed the previous connection's table (every missed op follows,
     *                so {@code onChange} sees each version exactly once); false on the first join, and when a
     *                rejoin got the whole sheet instead (the versions in between are not delivered one by one)
     */
    default void onWelcome(Table table, boolean resumed) {
    }

    /**
     * An op was applied: called once for every version the client receives, in increasing order, mine and
     * others' alike (versions the server merged away are listed in {@link Applied#skipped()}).
     *
     * @param table the table with this op applied
     */
    default void onChange(Applied applied, Table table) {
    }

    /** Who is here changed (each user once, in order of arrival); also after every welcome. */
    default void onPresence(List<User> users) {
    }

    /**
     * The connection's status changed.
     *
     * @param cause how the previous connection ended, for {@link Status#RECONNECTING} and {@link Status#CLOSED};
     *              null otherwise
     */
    default void onStatus(Status status, Disconnection cause) {
    }

    /** This connection's role on the sheet changed ({@code viewer}, {@code editor} or {@code owner}). */
    default void onRole(String role) {
    }

    /** A problem that is not the answer to one op (see {@link ErrorReport}). */
    default void onError(ErrorReport error) {
    }
}
