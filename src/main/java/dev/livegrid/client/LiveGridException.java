package dev.livegrid.client;

/**
 * Why a {@link LiveGridClient} future failed. Futures fail with one of its subclasses, wrapped by
 * {@link java.util.concurrent.CompletableFuture#join()} in a {@code CompletionException} (by
 * {@code get()} in an {@code ExecutionException}): {@link OpRejectedException},
 * {@link HandshakeRefusedException}, {@link ConnectionClosedException}, {@link TokenRefusedException}.
 */
public class LiveGridException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LiveGridException(String message) {
        super(message);
    }

    public LiveGridException(String message, Throwable cause) {
        super(message, cause);
    }
}
