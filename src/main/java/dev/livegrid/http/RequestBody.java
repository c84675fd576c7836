package dev.livegrid.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a request body as strict UTF-8, never more than a limit into memory. */
final class RequestBody {

    private RequestBody() {
    }

    /**
     * The body as text.
     *
     * @param declaredLength the {@code Content-Length} (0 when the request has no body), or -1 when unknown
     *                       (chunked): then the body ends where the stream does
     * @throws ApiFailure 413 when the body is longer than {@code limit} bytes, 400 when it is not UTF-8
     */
    static String read(InputStream in, long declaredLength, int limit) throws IOException, ApiFailure {
        byte[] bytes = bytes(in, declaredLength, limit);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiFailure.of(400, "bad-message", "the body is not valid UTF-8");
        }
    }

    /**
     * Reads a body the request's method gives no meaning (a GET's, a DELETE's) and drops it, whatever
     * its bytes, so that the connection can carry the next request.
     *
     * @throws ApiFailure 413 when the body is longer than {@code limit} bytes, as for any body
     */
    static void drop(InputStream in, long declaredLength, int limit) throws IOException, ApiFailure {
        bytes(in, declaredLength, limit);
    }

    private static byte[] bytes(InputStream in, long declaredLength, int limit) throws IOException, ApiFailure {
        if (declaredLength > limit) {
            discard(in, declaredLength);
            throw tooLarge(limit);
        }
        // Never past the declared length: a server may hand over a body without ever ending the stream.
        long end = declaredLength >= 0 ? declaredLength : limit + 1L;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.max(0, Math.min(declaredLength, limit)));
        byte[] chunk = new byte[8192];
        int n;
        while (bytes.size() < end && (n = in.read(chunk, 0, (int) Math.min(chunk.length, end - bytes.size()))) > 0) {
            bytes.write(chunk, 0, n);
            if (bytes.size() > limit) {
                discard(in, DISCARD_LIMIT);
                throw tooLarge(limit);
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Reads and drops the rest of a refused body, up to this many bytes, before the 413 is sent. A
     * server that closes the connection with request bytes still unread makes its TCP stack answer
     * with a reset, which can destroy the 413 on its way, so the client sees a broken connection
     * instead of the reason. A body declared larger is not read at all: the 413 is sent, and the
     * connection closed, at once.
     */
    static final long DISCARD_LIMIT = 8L * 1024 * 1024;

    private static void discard(InputStream in, long declaredLength) throws IOException {
        if (declaredLength > DISCARD_LIMIT) {
            return;
        }
        long left = declaredLength;
        byte[] sink = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }

    private static ApiFailure tooLarge(int limit) {
        return new ApiFailure(ApiResponse.error(413, "too-large", "a request body may have at most " + limit + " bytes")
                .withHeader("Connection", "close"));
    }
}
