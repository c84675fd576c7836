package dev.livegrid.client;

/**
 * The client stopped for good before this was answered: {@link LiveGridClient#close()} was called, the
 * server closed the connection in a way retrying cannot change (4004 sheet deleted, 4003 access revoked,
 * 4001 token expired, 1008 policy), reconnecting was given up ({@link ReconnectPolicy}), or the first
 * connection failed. An op that failed this way may still have been applied if it had been sent:
 * its change then reached other clients, not this one.
 */
public final class ConnectionClosedException extends LiveGridException {

    private static final long serialVersionUID = 1L;

    private final transient Disconnection disconnection;

    /**
     * @param disconnection how the last connection ended
     * @param cause         what ended it (a refused handshake, an I/O error), or null
     */
    public ConnectionClosedException(Disconnection disconnection, Throwable cause) {
        super("the LiveGrid client is closed (" + disconnection + ")", cause);
        this.disconnection = disconnection;
    }

    /** How the last connection ended. */
    public Disconnection disconnection() {
        return disconnection;
    }
}
