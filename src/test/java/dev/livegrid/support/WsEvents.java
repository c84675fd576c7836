package dev.livegrid.support;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A JDK {@link WebSocket.Listener} that records every event in arrival order, so a test can wait for
 * the next one with a timeout. Text and binary fragments are recorded one by one ({@code last} says
 * where a message ends); {@link #nextText} and {@link #nextBinary} reassemble whole messages.
 */
public final class WsEvents implements WebSocket.Listener {

    /** One thing that happened on the socket. */
    public record Event(String kind, Object data, boolean last) {
    }

    private static final long TIMEOUT_SECONDS = 10;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ApiTraffic.Socket traffic;
    private final StringBuilder text = new StringBuilder();

    /** A listener whose messages are not recorded as API traffic (they are not known to be a channel's). */
    public WsEvents() {
        this.traffic = null;
    }

    /**
     * A listener on a connection to {@code channel} ({@code sheets} or {@code echo}), whose whole text
     * messages {@link ApiTraffic} records.
     */
    public WsEvents(String channel) {
        this.traffic = ApiTraffic.socket(channel);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        events.add(new Event("text", data.toString(), last));
        if (traffic != null) {
            text.append(data);
            if (last) {
                traffic.received(text.toString());
                text.setLength(0);
            }
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        events.add(new Event("binary", bytes, last));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        events.add(new Event("ping", null, true));
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        events.add(new Event("close", statusCode + " " + reason, true));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        events.add(new Event("error", error.toString(), true));
    }

    /** The next event, or a failure after the timeout. */
    public Event next() throws InterruptedException {
        Event event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no WebSocket event within " + TIMEOUT_SECONDS + " s");
        return event;
    }

    /** The next event that is not a ping. */
    public Event nextIgnoringPings() throws InterruptedException {
        Event event;
        do {
            event = next();
        } while (event.kind().equals("ping"));
        return event;
    }

    /** Reassembles the next whole text message, failing if something else comes first. */
    public String nextText() throws InterruptedException {
        StringBuilder text = new StringBuilder();
        Event event;
        do {
            event = nextIgnoringPings();
            if (!event.kind().equals("text")) {
                throw new AssertionError("expected text, got " + event);
            }
            text.append(event.data());
        } while (!event.last());
        return text.toString();
    }

    /** Reassembles the next whole binary message, failing if something else comes first. */
    public byte[] nextBinary() throws InterruptedException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Event event;
        do {
            event = nextIgnoringPings();
            if (!event.kind().equals("binary")) {
                throw new AssertionError("expected binary, got " + event);
            }
            bytes.writeBytes((byte[]) event.data());
        } while (!event.last());
        return bytes.toByteArray();
    }
}
