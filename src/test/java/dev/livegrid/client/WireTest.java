package dev.livegrid.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages as docs/PROTOCOL.md §7 writes them, both ways; the join URI; presence and version bookkeeping. */
class WireTest {

    @Test
    void opsAreWrittenAsTheProtocolDocumentsThem() {
        assertEquals("{\"type\":\"edit\",\"id\":\"op-17\",\"row\":\"r1\",\"col\":\"c2\",\"value\":\"19\",\"base\":1}",
                Wire.op("op-17", new Op.Edit("r1", "c2", "19"), 1L));
        assertEquals("{\"type\":\"edit\",\"id\":\"op-1\",\"row\":\"r1\",\"col\":\"c2\",\"value\":null}",
                Wire.op("op-1", new Op.Edit("r1", "c2", null), null));
        assertEquals("{\"type\":\"insertRow\",\"id\":\"op-18\",\"after\":\"r1\",\"cells\":{\"c1\":\"Hong\"}}",
                Wire.op("op-18", new Op.InsertRow(null, "r1", Map.of("c1", "Hong")), null));
        assertEquals("{\"type\":\"addColumn\",\"id\":\"op-20\",\"name\":\"email\"}",
                Wire.op("op-20", new Op.AddColumn(null, "email", null), null));
        assertEquals("{\"type\":\"focus\",\"row\":\"r1\",\"col\":\"c2\"}", Wire.focus(new CellRef("r1", "c2")));
    }

    @Test
    void aResumingWelcomeHasNoTable() {
        ServerMessage.Welcome welcome = (ServerMessage.Welcome) Wire.read("{\"type\":\"welcome\",\"sheet\":\"demo\","
                + "\"incarnation\":\"2v9k\",\"version\":12,\"you\":\"u-91c0\",\"since\":9,\"users\":[{\"id\":\"u-1\",\"name\":\"Bob\","
                + "\"focus\":{\"row\":\"r1\",\"col\":\"c1\"}}],\"future\":true}");

        assertTrue(welcome.resumes());
        assertEquals(List.of(new User("u-1", "Bob", new CellRef("r1", "c1"))), welcome.users());
    }

    @Test
    void appliedAndRejectedAreRead() {
        Applied applied = ((ServerMessage.AppliedOp) Wire.read("{\"type\":\"applied\",\"version\":20,\"by\":\"u-77b1\","
                + "\"id\":\"k3-4\",\"op\":{\"type\":\"edit\",\"row\":\"r9\",\"col\":\"c2\",\"value\":\"x\"},\"skipped\":[15,18]}"))
                .applied();
        ServerMessage.Rejected rejected = (ServerMessage.Rejected) Wire.read("{\"type\":\"rejected\",\"id\":\"op-17\","
                + "\"code\":\"conflict\",\"message\":\"cell changed at version 8\","
                + "\"current\":{\"row\":\"r1\",\"col\":\"c2\",\"value\":\"20\",\"version\":8}}");

        assertEquals(new Applied(20, "u-77b1", "k3-4", new Op.Edit("r9", "c2", "x"), List.of(15L, 18L), false), applied);
        assertEquals(new Table.Cell("20", 8), rejected.current());
        assertInstanceOf(ServerMessage.Unknown.class, Wire.read("{\"type\":\"news\"}"));
    }

    @Test
    void presenceChangesApplyInTheDocumentedOrder() {
        List<User> before = List.of(new User("u-a", "Ann", null), new User("u-b", "Bob", new CellRef("r1", "c1")));
        ServerMessage.Presence presence = (ServerMessage.Presence) Wire.read("{\"type\":\"presence\","
                + "\"joined\":[{\"id\":\"u-c\",\"name\":\"Cy\"},{\"id\":\"u-a\",\"name\":\"Anne\"}],"
                + "\"moved\":[{\"id\":\"u-b\",\"focus\":null},{\"id\":\"u-c\",\"focus\":{\"row\":\"r2\",\"col\":\"c2\"}}],"
                + "\"left\":[\"u-a\"]}");

        assertEquals(List.of(new User("u-b", "Bob", null), new User("u-c", "Cy", new CellRef("r2", "c2")),
                new User("u-a", "Anne", null)), Roster.apply(before, presence));
    }

    @Test
    void aVersionIsAppliedOnlyInSequenceOrWithEveryGapListedAsSkipped() {
        assertEquals(Sequence.APPLY, Sequence.of(4, applied(5)));
        assertEquals(Sequence.STALE, Sequence.of(4, applied(4)));
        assertEquals(Sequence.GAP, Sequence.of(4, applied(7)));
        assertEquals(Sequence.GAP, Sequence.of(4, applied(7, 5L)));
        assertEquals(Sequence.APPLY, Sequence.of(4, applied(7, 6L, 5L)));
        assertEquals(Sequence.GAP, Sequence.of(4, applied(Long.MAX_VALUE, 5L)));
    }

    @Test
    void theJoinUriCarriesTheKeyNameAndResumePoint() {
        SheetAddress address = SheetAddress.of(URI.create("http://127.0.0.1:8080/livegrid/"), "team");

        assertEquals(URI.create("ws://127.0.0.1:8080/livegrid/sheets/team?client=key-0123456789abcdef&name=Ann%20Lee%2B&since=7"
                + "&incarnation=2v9k"), address.join("Ann Lee+", "key-0123456789abcdef", 7L, "2v9k"));
        assertEquals(URI.create("wss://h/sheets/team?client=k"), SheetAddress.of(URI.create("wss://h"), "team")
                .join(null, "k", null, "ignored"));
    }

    private static Applied applied(long version, Long... skipped) {
        return new Applied(version, "u", "id", new Op.DeleteRow("r1"), List.of(skipped), false);
    }
}
