package dev.livegrid.endpoint;

import dev.livegrid.access.Authenticator;
import dev.livegrid.access.Challenge;
import dev.livegrid.access.CredentialsException;
import dev.livegrid.access.Identity;
import dev.livegrid.access.Role;
import dev.livegrid.config.Settings;
import dev.livegrid.guard.Handshake;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.Refusal;
import dev.livegrid.room.Room;
import dev.livegrid.room.RoomRegistry;
import dev.livegrid.room.RoomUnavailableException;
import dev.livegrid.sheet.Ids;
import dev.livegrid.store.StoreException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses a {@code /sheets/{sheetId}} handshake before the upgrade when the caller cannot be
 * identified (401 with {@code WWW-Authenticate}) or has no role on the sheet (403) — including no
 * right to create it when it does not exist yet. With {@code auth=none} it lets everything through.
 * The room decides again when the connection joins, in order with access-list changes.
 */
public final class SheetAccessCheck implements HandshakeCheck {

    private final String prefix;
    private final Authenticator authenticator;
    private final RoomRegistry rooms;
    private final Settings settings;

    /** @param contextPath "" standalone, e.g. "/livegrid" in a WAR */
    public SheetAccessCheck(String contextPath, LiveGridContext context) {
        this.prefix = contextPath + "/sheets/";
        this.authenticator = context.authenticator();
        this.rooms = context.rooms();
        this.settings = context.settings();
    }

    @Override
    public boolean guardsEndpoint(String path) {
        return path.startsWith(prefix);
    }

    @Override
    public Optional<Refusal> check(Handshake handshake) {
        if (!authenticator.enabled() || !guardsEndpoint(handshake.path())) {
            return Optional.empty();
        }
        String sheetId = handshake.path().substring(prefix.length());
        if (!Ids.isValid(sheetId)) {
            return Optional.empty(); // the parameter check answers it
        }
        Identity who;
        try {
            List<String> tokens = handshake.parameters().get(Authenticator.TOKEN_PARAMETER);
            who = authenticator.identify(handshake.header("Authorization"),
                    tokens == null || tokens.isEmpty() ? null : tokens.get(0), handshake.user(), null);
        } catch (CredentialsException e) {
            return Optional.of(new Refusal(401, "Not signed in: " + e.getMessage(),
                    Map.of("WWW-Authenticate", Challenge.of(authenticator.mode(), e))));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a malformed query: the parameter check answers it
        }
        try {
            Room room = rooms.acquire(sheetId, false);
            if (room == null) {
                Role wouldBe = who.grants().on(sheetId);
                return settings.createSheets() && !wouldBe.canEdit() ? Optional.of(Refusal.of(403, "User '"
                        + who.userId() + "' may not create sheet '" + sheetId + "': that needs the editor role."))
                        : Optional.empty();
            }
            try {
                return room.roleOf(who).canRead() ? Optional.empty() : Optional.of(Refusal.of(403,
                        "User '" + who.userId() + "' has no access to sheet '" + sheetId + "'."));
            } finally {
                rooms.release(room);
            }
        } catch (RoomUnavailableException | StoreException e) {
            return Optional.of(new Refusal(503, "The sheet cannot be opened now: " + e.getMessage(),
                    Map.of("Retry-After", "1")));
        }
    }
}
