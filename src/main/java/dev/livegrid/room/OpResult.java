package dev.livegrid.room;

import dev.livegrid.sheet.Reason;

/**
 * What became of one op, with the message to answer with as text: applied (the {@code applied}
 * message), a duplicate of an op already applied (its original {@code applied} message), or rejected
 * for {@code reason} (the {@code rejected} message).
 */
public record OpResult(boolean applied, boolean duplicate, String text, Reason reason) {

    static OpResult applied(String text) {
        return new OpResult(true, false, text, null);
    }

    static OpResult duplicate(String text) {
        return new OpResult(true, true, text, null);
    }

    static OpResult rejected(String text, Reason reason) {
        return new OpResult(false, false, text, reason);
    }
}
