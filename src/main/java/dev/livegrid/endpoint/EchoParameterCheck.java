package dev.livegrid.endpoint;

import dev.livegrid.guard.Handshake;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.Refusal;

import java.util.Optional;

/** Refuses an {@code /echo} handshake whose query parameters are invalid, with 400 and the reason. */
public final class EchoParameterCheck implements HandshakeCheck {

    private final String echoPath;
    private final long maxMessageSize;
    private final boolean rawConnections;

    /**
     * @param contextPath    "" standalone, e.g. "/livegrid" in a WAR
     * @param rawConnections whether /echo's sessions get their raw connection (standalone: yes), which
     *                       the connection-level faults need
     */
    public EchoParameterCheck(String contextPath, long maxMessageSize, boolean rawConnections) {
        this.echoPath = contextPath + EchoEndpoint.PATH;
        this.maxMessageSize = maxMessageSize;
        this.rawConnections = rawConnections;
    }

    @Override
    public boolean guardsEndpoint(String path) {
        return path.equals(echoPath);
    }

    @Override
    public Optional<Refusal> check(Handshake handshake) {
        if (!guardsEndpoint(handshake.path())) {
            return Optional.empty();
        }
        try {
            EchoOptions.parse(handshake.parameters(), maxMessageSize, rawConnections);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(Refusal.of(400, e.getMessage()));
        }
    }
}
