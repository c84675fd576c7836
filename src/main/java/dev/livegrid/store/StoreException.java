package dev.livegrid.store;

/** The store could not do what was asked (disk full, file locked or unreadable); nothing was committed. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
