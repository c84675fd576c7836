package dev.livegrid.browser;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.SheetOps;
import dev.livegrid.support.TestSettings;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sheet of 10,000 rows × 20 columns (the default row limit) in the table editor: it opens and shows
 * its first screen quickly, keeps only the rows in view in the DOM wherever it is scrolled, edits a
 * cell far down, and goes on taking keys while others' edits arrive at 100 a second. The sheet is made
 * over HTTP — an import of the first 1,000 rows, then batches of 1,000 rows, each under the 512 KiB an
 * op may be as applied — before any page opens it.
 */
class BigSheetBrowserTest {

    private static final int ROWS = 10_000;
    private static final int COLUMNS = 20;
    private static final int ROWS_PER_BATCH = 1_000;
    /** Half of the default outbox-limit: the most one op may be as applied (PROTOCOL §7.3). */
    private static final long MAX_OP_BYTES = 512 * 1024;
    /** "Bounded": the rows in view and a few more, whatever the sheet's size. */
    private static final int MAX_ROWS_IN_DOM = 200;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    private static LiveGridServer server;
    private static SheetHttp http;
    private static GridPage alice;
    private static String sheet;
    private static List<String> cols;
    private static List<String> rows;

    @BeforeAll
    static void makeTheSheet() throws Exception {
        // One client sends 100 edits a second in a test below: above the default op-rate of 50.
        server = LiveGridServer.start(TestSettings.loopback().with(Setting.OP_RATE, "1000"));
        http = new SheetHttp(server.baseUri());
        sheet = SheetHttp.newSheetId("big");
        StringBuilder csv = new StringBuilder();
        for (int c = 0; c < COLUMNS; c++) {
            csv.append(c == 0 ? "" : ",").append("Col ").append(letter(c));
        }
        csv.append('\n');
        for (int r = 0; r < ROWS_PER_BATCH; r++) {
            for (int c = 0; c < COLUMNS; c++) {
                csv.append(c == 0 ? "" : ",").append(value(r, c));
            }
            csv.append('\n');
        }
        http.importCsv(sheet, csv.toString());
        JsonObject view = http.get(sheet);
        cols = view.getJsonArray("columns").getValuesAs(JsonObject.class).stream().map(c -> c.getString("id")).toList();
        rows = new ArrayList<>(view.getJsonArray("rows").getValuesAs(JsonObject.class).stream().map(r -> r.getString("id")).toList());
        for (int first = ROWS_PER_BATCH; first < ROWS; first += ROWS_PER_BATCH) {
            JsonArrayBuilder inserts = Json.createArrayBuilder();
            long size = 48; // as the server counts an op as applied: 48 bytes per op, 16 per inserted cell, the text
            for (int r = first; r < first + ROWS_PER_BATCH; r++) {
                JsonObjectBuilder cells = Json.createObjectBuilder();
                size += 48;
                for (int c = 0; c < COLUMNS; c++) {
                    cells.add(cols.get(c), value(r, c));
                    size += 16 + value(r, c).getBytes(StandardCharsets.UTF_8).length;
                }
                inserts.add(Json.createObjectBuilder().add("type", "insertRow").add("cells", cells)
                        .add("after", r == first ? rows.get(rows.size() - 1) : "$" + (r - first - 1)));
            }
            assertTrue(size < MAX_OP_BYTES, "a batch of " + size + " bytes as applied");
            for (JsonObject op : http.post(sheet, Json.createObjectBuilder().add("type", "batch").add("ops", inserts))
                    .getJsonArray("ops").getValuesAs(JsonObject.class)) {
                rows.add(op.getString("row"));
            }
        }
        assertEquals(ROWS, rows.size());
        alice = GridPage.launch("Alice");
    }

    @AfterAll
    static void stopBrowserAndServer() throws IOException {
        try {
            if (alice != null) {
                alice.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void itOpensShowsItsFirstScreenAndKeepsOnlyTheRowsInViewWhereverItIsScrolled() throws Exception {
        alice.load(server.baseUri(), sheet);
        @SuppressWarnings("unchecked")
        Map<String, Object> marks = alice.await("the welcome and the first screen", d -> (Map<String, Object>) alice.script(
                "const w = performance.getEntriesByName('livegrid:welcome')[0];"
                        + " const f = performance.getEntriesByName('livegrid:first-screen')[0];"
                        + " return w && f ? {welcome: w.startTime, firstScreen: f.startTime} : null;"), OPEN_TIMEOUT);
        double welcome = ((Number) marks.get("welcome")).doubleValue();
        double firstScreen = ((Number) marks.get("firstScreen")).doubleValue() - welcome;
        System.out.printf("10,000 × 20 sheet: welcome applied %.0f ms after navigation; first screen painted %.0f ms after the welcome; %d rows in the DOM%n",
                welcome, firstScreen, trs());
        assertTrue(firstScreen < 3000, "the first screen took " + firstScreen + " ms after the welcome");
        WebElement grid = alice.driver.findElement(By.id("grid"));
        assertEquals(String.valueOf(ROWS + 1), grid.getAttribute("aria-rowcount"), "the full count, for assistive technology");
        assertEquals(String.valueOf(COLUMNS + 1), grid.getAttribute("aria-colcount"));
        alice.awaitCellValue(rows.get(0), cols.get(0), value(0, 0));
        assertTrue(trs() < MAX_ROWS_IN_DOM, trs() + " rows in the DOM");
        alice.screenshot("sheet-big");
        alice.assertAccessible("on a 10,000-row sheet");

        scrollTo("s.scrollHeight");
        alice.awaitCellValue(rows.get(ROWS - 1), cols.get(0), value(ROWS - 1, 0));
        assertEquals(String.valueOf(ROWS + 1), alice.driver.findElement(By.cssSelector("tr[data-row='" + rows.get(ROWS - 1) + "']"))
                .getAttribute("aria-rowindex"));
        assertTrue(trs() < MAX_ROWS_IN_DOM, trs() + " rows in the DOM at the end");
        alice.screenshot("sheet-big-end");

        scrollTo("s.scrollHeight / 2");
        alice.awaitCellValue(rows.get(ROWS / 2), cols.get(3), value(ROWS / 2, 3));
        assertTrue(trs() < MAX_ROWS_IN_DOM, trs() + " rows in the DOM in the middle");

        // A cell far down, edited like any other.
        scrollTo("s.scrollHeight");
        String row = rows.get(ROWS - 2);
        alice.awaitCellValue(row, cols.get(1), value(ROWS - 2, 1));
        alice.edit(row, cols.get(1), "far down");
        alice.await("the server to have it", d -> {
            try {
                return "far down".equals(http.value(sheet, row, cols.get(1)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        // The keyboard reaches both ends; the focused cell is always in the DOM.
        alice.chord(Keys.CONTROL, Keys.HOME);
        alice.await("the first cell focused", d -> Map.of("row", rows.get(0), "col", cols.get(0)).equals(alice.focusedCell()));
        alice.chord(Keys.CONTROL, Keys.END);
        alice.await("the last cell focused", d -> Map.of("row", rows.get(ROWS - 1), "col", cols.get(COLUMNS - 1)).equals(alice.focusedCell()));
        alice.keys(Keys.PAGE_UP);
        alice.await("a page up", d -> alice.focusedCell() != null && !rows.get(ROWS - 1).equals(alice.focusedCell().get("row")));
        assertTrue(trs() < MAX_ROWS_IN_DOM, trs() + " rows in the DOM after the keys");
    }

    @Test
    void othersEditsAtAHundredASecondDoNotHoldUpTyping() throws Exception {
        alice.open(server.baseUri(), sheet);
        alice.await("the first screen", d -> !d.findElements(GridPage.cellSelector(rows.get(0), cols.get(0))).isEmpty(), OPEN_TIMEOUT);
        alice.script("window.longestTask = 0; new PerformanceObserver((list) => { for (const t of list.getEntries())"
                + " window.longestTask = Math.max(window.longestTask, t.duration); }).observe({type: 'longtask'});");
        String typed = "typing while a hundred edits a second arrive";
        try (SheetClient bob = SheetClient.join(server.webSocketUri("/sheets/" + sheet))) {
            bob.keepApplied(false);
            alice.cell(rows.get(3), cols.get(2)).click();
            WebElement editor = alice.editor(rows.get(3), cols.get(2));
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            // Half to rows in view, half to rows far out of it; 300 edits over 3 seconds.
            sender.scheduleAtFixedRate(() -> {
                int n = sent.get();
                if (n >= 300) {
                    return;
                }
                String target = n % 2 == 0 ? rows.get(10 + n % 10) : rows.get(5_000 + n);
                try {
                    bob.sendOp(SheetOps.edit("flood-" + n, target, cols.get(5), "remote " + n, null));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                sent.incrementAndGet();
            }, 0, 10, TimeUnit.MILLISECONDS);
            for (char c : typed.toCharArray()) {
                editor.sendKeys(String.valueOf(c));
            }
            alice.await("every typed character in the editor", d -> typed.equals(editor.getDomProperty("value")));
            alice.await("the flood to be sent", d -> sent.get() >= 300, Duration.ofSeconds(30));
            sender.shutdownNow();
            editor.sendKeys(Keys.ENTER);
        }
        alice.awaitCellValue(rows.get(10 + 298 % 10), cols.get(5), "remote 298");
        alice.await("the typed text on the server", d -> {
            try {
                return typed.equals(http.value(sheet, rows.get(3), cols.get(2)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        double longest = ((Number) alice.script("return window.longestTask")).doubleValue();
        System.out.printf("100 remote edits a second while typing: the longest task took %.0f ms%n", longest);
        assertTrue(longest < 1000, "a task of " + longest + " ms held the page up");
        assertTrue(trs() < MAX_ROWS_IN_DOM, trs() + " rows in the DOM");
    }

    private static int trs() {
        return alice.driver.findElements(By.cssSelector("#grid tr")).size();
    }

    /** Scrolls the grid's container: {@code where} is an expression of its element {@code s}. */
    private static void scrollTo(String where) {
        alice.script("const s = document.getElementById('grid-scroll'); s.scrollTop = " + where + ";");
    }

    private static String letter(int column) {
        return String.valueOf((char) ('A' + column));
    }

    /** Short values ("B9999"), so that 1,000 rows of 20 fit in one op. */
    private static String value(int row, int column) {
        return letter(column) + (row + 1);
    }
}
