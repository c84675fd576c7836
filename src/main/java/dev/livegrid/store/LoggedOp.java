package dev.livegrid.store;

import dev.livegrid.sheet.Op;

import java.time.Instant;

/**
 * One applied op as the store keeps it.
 *
 * @param version     the sheet version it made
 * @param by          its author's user id ({@code http} for HTTP)
 * @param opId        the client's op id (for de-duplication)
 * @param request     the op as requested (base included), replayed on restart
 * @param appliedText the {@code applied} message sent for it
 * @param at          when it was applied
 */
public record LoggedOp(long version, String by, String opId, Op request, String appliedText, Instant at) {
}
