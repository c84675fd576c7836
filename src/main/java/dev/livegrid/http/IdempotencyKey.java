package dev.livegrid.http;

import dev.livegrid.sheet.Ids;

import java.util.Optional;

/**
 * The {@code Idempotency-Key} request header: the client's id for one state-changing request, used
 * as its op's id, so that a resend after an unknown outcome is recognised instead of applied again.
 */
final class IdempotencyKey {

    static final String HEADER = "Idempotency-Key";

    private IdempotencyKey() {
    }

    /**
     * The key, or empty when the header is absent. The IETF draft (draft-ietf-httpapi-idempotency-key-header)
     * sends it as a quoted string, other clients bare; both are taken.
     *
     * @throws ApiFailure 400 {@code bad-header} when it is not one id of 1-64 characters [A-Za-z0-9_-]
     */
    static Optional<String> of(ApiRequest request) throws ApiFailure {
        String value = request.header(HEADER);
        if (value == null) {
            return Optional.empty();
        }
        String key = value.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (!Ids.isValid(key)) {
            throw ApiFailure.of(400, "bad-header", HEADER + " must be one id of 1-64 characters [A-Za-z0-9_-],"
                    + " given once, e.g. " + HEADER + ": edit-7f3a");
        }
        return Optional.of(key);
    }
}
