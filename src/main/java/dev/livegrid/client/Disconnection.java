package dev.livegrid.client;

import java.util.Objects;

/**
 * Why a connection ended: the WebSocket close code and reason the server sent, or {@link #ABNORMAL}
 * (1006) and a description when it ended without a close frame — dropped, unreachable, or refused at
 * the handshake (docs/PROTOCOL.md §5 and §7.6 list the codes).
 */
public record Disconnection(int code, String reason) {

    /** The connection ended without a close frame (RFC 6455 §7.1.5). */
    public static final int ABNORMAL = 1006;

    public Disconnection {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return code + (reason.isEmpty() ? "" : " " + reason);
    }
}
