package dev.livegrid.endpoint;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parameters of a sheet connection; a name's length is counted in code points, as the page counts it. */
class SheetJoinTest {

    private static final String EMOJI = "\uD83D\uDE00"; // 😀: one code point, two UTF-16 units

    @Test
    void aNameOf51EmojiIsAccepted() {
        String name = EMOJI.repeat(51);

        assertEquals(name, join(name).name());
    }

    @Test
    void aNameOf100CodePointsIsAcceptedAnd101AreRefused() {
        String hundred = EMOJI.repeat(50) + "x".repeat(50);
        assertEquals(hundred, join(hundred).name());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> join(EMOJI.repeat(100) + "x"));

        assertTrue(refused.getMessage().contains("at most 100 characters (Unicode code points)"), refused.getMessage());
    }

    @Test
    void controlCharactersAreRefusedAndABlankNameIsGuest() {
        assertThrows(IllegalArgumentException.class, () -> join("Al\u0007ice"));
        assertEquals("Guest", join("   ").name());
        assertEquals("Alice", join("  Alice ").name());
    }

    @Test
    void sinceIsAVersionAndTheSheetIdIsChecked() {
        assertEquals(12L, SheetJoin.parse("demo", Map.of("since", List.of("12"))).since());
        assertThrows(IllegalArgumentException.class, () -> SheetJoin.parse("demo", Map.of("since", List.of("-1"))));
        assertThrows(IllegalArgumentException.class, () -> SheetJoin.parse("bad.id", Map.of()));
    }

    private static SheetJoin join(String name) {
        return SheetJoin.parse("demo", Map.of("name", List.of(name)));
    }
}
