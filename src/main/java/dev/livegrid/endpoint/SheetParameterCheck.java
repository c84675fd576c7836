package dev.livegrid.endpoint;

import dev.livegrid.guard.Handshake;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.Refusal;

import java.util.Optional;

/** Refuses a {@code /sheets/{sheetId}} handshake with an invalid sheet id, name or since, with 400 and the reason. */
public final class SheetParameterCheck implements HandshakeCheck {

    private final String prefix;

    /** @param contextPath "" standalone, e.g. "/livegrid" in a WAR */
    public SheetParameterCheck(String contextPath) {
        this.prefix = contextPath + "/sheets/";
    }

    @Override
    public boolean guardsEndpoint(String path) {
        return path.startsWith(prefix);
    }

    @Override
    public Optional<Refusal> check(Handshake handshake) {
        if (!guardsEndpoint(handshake.path())) {
            return Optional.empty();
        }
        try {
            SheetJoin.parse(handshake.path().substring(prefix.length()), handshake.parameters());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(Refusal.of(400, e.getMessage()));
        }
    }
}
