package dev.livegrid.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a request body: within the limit it is the text; over it, 413, after draining what is cheap to drain. */
class RequestBodyTest {

    private static final int LIMIT = 1024;

    @Test
    void aBodyWithinTheLimitIsReadUpToItsDeclaredLength() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream("héllo and more".getBytes(StandardCharsets.UTF_8));
        assertEquals("héllo", RequestBody.read(in, "héllo".getBytes(StandardCharsets.UTF_8).length, LIMIT));
        assertEquals(" and more".length(), in.available(), "nothing past the declared length is read");
    }

    @Test
    void aRefusedBodyDeclaredUpToTheDiscardLimitIsDrainedSoThe413IsNotLostToAReset() {
        int declared = 3 * LIMIT;
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[declared + 10]);
        ApiFailure failure = assertThrows(ApiFailure.class, () -> RequestBody.read(in, declared, LIMIT));
        assertEquals(413, failure.response().status());
        assertEquals(10, in.available(), "the declared body was read and dropped, nothing more");
    }

    @Test
    void aRefusedBodyOfUnknownLengthIsDrainedToItsEnd() {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[5 * LIMIT]);
        ApiFailure failure = assertThrows(ApiFailure.class, () -> RequestBody.read(in, -1, LIMIT));
        assertEquals(413, failure.response().status());
        assertEquals(0, in.available());
    }

    @Test
    void aBodyDeclaredOverTheDiscardLimitIsNotReadAtAll() {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[16]);
        ApiFailure failure = assertThrows(ApiFailure.class,
                () -> RequestBody.read(in, RequestBody.DISCARD_LIMIT + 1, LIMIT));
        assertEquals(413, failure.response().status());
        assertEquals(16, in.available(), "a huge declared body is refused without reading it");
    }
}
