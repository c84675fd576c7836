package dev.livegrid.http;

import dev.livegrid.room.OpResult;
import dev.livegrid.sheet.Reason;

/**
 * The HTTP answer to an op's result: 200 with the {@code applied} message (also for a resent op id,
 * with its original message), otherwise the {@code rejected} message with a status for its code.
 */
final class OpAnswers {

    private OpAnswers() {
    }

    /** @param legacy whether the op came from {@code /input-change}, where a missing row or column is 404 */
    static ApiResponse of(OpResult result, boolean legacy) {
        if (result.applied()) {
            return ApiResponse.json(200, result.text());
        }
        ApiResponse response = ApiResponse.json(status(result.reason(), legacy), result.text());
        return result.reason() == Reason.RATE_LIMITED ? response.withHeader("Retry-After", "1") : response;
    }

    static int status(Reason reason, boolean legacy) {
        return switch (reason) {
            case INVALID -> 400;
            case RATE_LIMITED -> 429;
            case STORE_UNAVAILABLE -> 503;
            case NO_SUCH_SHEET -> 404;
            case SERVER_ERROR -> 500;
            case NO_SUCH_ROW, NO_SUCH_COLUMN -> legacy ? 404 : 409;
            case READ_ONLY -> 403;
            case CONFLICT, TOO_LARGE -> 409;
        };
    }
}
