package dev.livegrid.standalone;

import dev.livegrid.config.Setting;
import dev.livegrid.support.RawWebSocket;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone fast path on real sockets: sessions' outboxes write their frames to the Grizzly
 * connection themselves, and what arrives is what Tyrus would have written.
 */
class FrameChannelTest {

    @Test
    void echoRepliesAreWrittenThroughTheSessionsOwnChannel() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback());
             RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
            for (String text : new String[] {"", "a", "é😀", "x".repeat(125), "y".repeat(126), "z".repeat(70_000)}) {
                ws.sendText(text);
                RawWebSocket.Frame frame = ws.readFrame();
                assertTrue(frame.fin());
                assertEquals(RawWebSocket.TEXT, frame.opcode());
                assertEquals(text, frame.text());
                assertEquals(text.length() < 126 ? 7 : text.length() < 65_536 ? 16 : 64, frame.lengthForm(),
                        "the shortest length form");
            }
            // Tyrus writes the 101 before it opens the session; a reply proves the session open.
            assertEquals(1, server.framedSessions());
        }
    }

    @Test
    void everyViewerOfASheetGetsTheSameAppliedBytes() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback());
             RawWebSocket writer = RawWebSocket.open(server.port(), "/sheets/framed?name=w");
             RawWebSocket viewer = RawWebSocket.open(server.port(), "/sheets/framed?name=v")) {
            welcome(writer);
            welcome(viewer); // joined: the op's applied message reaches it (a later join would get it in its welcome)
            writer.sendText(SheetOps.addColumn("c", "Name", null));
            byte[] atWriter = next(writer, "\"id\":\"c\"");
            byte[] atViewer = next(viewer, "\"id\":\"c\"");
            assertArrayEquals(atWriter, atViewer);
            writer.sendText(SheetOps.insertRow("r", null, Map.of()));
            assertArrayEquals(next(writer, "\"id\":\"r\""), next(viewer, "\"id\":\"r\""));
            assertEquals(2, server.framedSessions());
        }
    }

    @Test
    void nothingFollowsTheCloseFrameWhileUpdatesKeepComing() throws Exception {
        try (LiveGridServer server = LiveGridServer.start(TestSettings.loopback().with(Setting.OP_RATE, "1000000"));
             RawWebSocket writer = RawWebSocket.open(server.port(), "/sheets/closing?name=w");
             RawWebSocket viewer = RawWebSocket.open(server.port(), "/sheets/closing?name=v")) {
            welcome(writer);
            welcome(viewer);
            writer.sendText(SheetOps.addColumn("c", "Name", null));
            writer.sendText(SheetOps.insertRow("r", null, Map.of()));
            next(viewer, "\"id\":\"r\"");
            Thread edits = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        writer.sendText(SheetOps.edit("e" + i, "r2", "c1", "v" + i, null));
                    }
                } catch (Exception e) {
                    // the test is about the viewer; the writer's fate does not matter
                }
            });
            edits.start();
            next(viewer, "\"id\":\"e");
            // Tyrus answers the close on its reading thread while the room goes on sending updates.
            viewer.sendClose(1000, "bye".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame frame;
            do {
                frame = viewer.readFrame();
            } while (frame.opcode() != RawWebSocket.CLOSE);
            viewer.expectEofOrReset(); // no frame after the close frame (RFC 6455 §5.5.1)
            edits.join();
        }
    }

    /** Reads up to the connection's welcome: from then on it is a member of the sheet. */
    private static void welcome(RawWebSocket ws) throws Exception {
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == RawWebSocket.TEXT && frame.text().startsWith("{\"type\":\"welcome\"")) {
                return;
            }
        }
    }

    /** The payload of the next applied message containing {@code marker}, skipping welcome and presence. */
    private static byte[] next(RawWebSocket ws, String marker) throws Exception {
        while (true) {
            RawWebSocket.Frame frame = ws.readFrame();
            if (frame.opcode() == RawWebSocket.TEXT && frame.text().startsWith("{\"type\":\"applied\"")
                    && frame.text().contains(marker)) {
                return frame.payload();
            }
        }
    }
}
