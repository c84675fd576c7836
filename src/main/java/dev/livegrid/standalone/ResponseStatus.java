package dev.livegrid.standalone;

import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpResponsePacket;

/** The HTTP status a write above the HTTP codec carries: a response header alone or content of a response. */
final class ResponseStatus {

    private ResponseStatus() {
    }

    /** The status of the response {@code written} belongs to, or 0 when it is no part of a response. */
    static int of(Object written) {
        if (written instanceof HttpResponsePacket response) {
            return response.getStatus();
        }
        if (written instanceof HttpContent content && content.getHttpHeader() instanceof HttpResponsePacket response) {
            return response.getStatus();
        }
        return 0;
    }
}
