package dev.livegrid.browser;

import dev.livegrid.browser.SheetHttp.Sheet;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chromium.ChromiumDriver;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table editor in each state a user can find it in — connecting, editing with others around, a
 * lost save to decide about, an empty sheet, a cell's history, the dark colour scheme, a tablet's and
 * a phone's width, and the server gone — checked with axe-core (no serious or critical violation) and,
 * with {@code -Dlivegrid.screenshots=DIR}, photographed for people to look at. (The viewer's page is
 * checked in SignedInPageBrowserTest, the 10,000-row sheet in BigSheetBrowserTest.)
 */
class SheetPageStatesBrowserTest {

    private static LiveGridServer server;
    private static SheetHttp http;
    private static GridPage alice;
    private static GridPage bob;

    @BeforeAll
    static void startServerAndBrowsers() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        http = new SheetHttp(server.baseUri());
        alice = GridPage.launch("Alice");
        bob = GridPage.launch("Bob");
    }

    @AfterAll
    static void stopBrowsersAndServer() throws IOException {
        try {
            for (GridPage page : new GridPage[] {alice, bob}) {
                if (page != null) {
                    page.close();
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @AfterEach
    void lightAndWideAgain() {
        alice.colorScheme("light");
        alice.windowSize(1280, 900);
    }

    @Test
    void connecting() {
        // A socket that never answers: the page stays "connecting", as it is while a slow server takes its time.
        ChromiumDriver driver = (ChromiumDriver) alice.driver;
        Map<String, Object> script = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.WebSocket = class extends EventTarget { constructor(url) { super(); this.url = url; this.readyState = 0; }"
                        + " send() {} close() {} };"));
        try {
            alice.load(server.baseUri(), SheetHttp.newSheetId("connecting"));
            alice.await("the page to be up", d -> "connecting".equals(alice.status()) && alice.shown("loading"));
            assertTrue(!alice.shown("empty") && !alice.driver.findElement(By.id("add-row")).isEnabled(),
                    "before the welcome there is no sheet to call empty or to change");
            alice.screenshot("sheet-connecting");
            alice.assertAccessible("while connecting");
        } finally {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
    }

    @Test
    void editingWithOthersAroundInTheLightAndTheDarkScheme() throws Exception {
        Sheet sheet = peopleSheet("editing");
        String row = sheet.row(1);
        String col = sheet.col(2);
        // A lost save to decide about: Alice's draft of C2 against Bob's change.
        alice.cell(row, col).click();
        alice.editor(row, col).sendKeys("Hangzhou");
        bob.edit(row, col, "Suzhou");
        alice.await("the incoming value", d -> !alice.cell(row, col).findElements(By.className("incoming")).isEmpty());
        alice.editor(row, col).sendKeys(Keys.ENTER);
        alice.await("the choice", d -> alice.shown("conflict-bar"));
        // Then a range selected, an editor open with a change arriving beside it, and Bob on a cell.
        alice.cell(sheet.row(3), sheet.col(0)).click();
        alice.editor(sheet.row(3), sheet.col(0)).sendKeys(Keys.ESCAPE);
        alice.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        alice.chord(Keys.SHIFT, Keys.ARROW_RIGHT);
        alice.cell(sheet.row(0), sheet.col(1)).click();
        alice.editor(sheet.row(0), sheet.col(1)).sendKeys("19");
        bob.edit(sheet.row(0), sheet.col(1), "20");
        bob.cell(sheet.row(2), sheet.col(3)).click();
        alice.await("Bob's name on his cell", d -> !alice.cell(sheet.row(2), sheet.col(3)).findElements(By.className("presence-marker")).isEmpty());
        alice.await("the incoming value", d -> !alice.cell(sheet.row(0), sheet.col(1)).findElements(By.className("incoming")).isEmpty());

        alice.screenshot("sheet-editor");
        alice.assertAccessible("editing, with a range, a lost save, a change arriving and another user's name tag");

        alice.colorScheme("dark");
        assertEquals("rgb(13, 17, 23)", alice.script("return getComputedStyle(document.body).backgroundColor"), "the dark scheme");
        alice.screenshot("sheet-dark");
        alice.assertAccessible("in the dark colour scheme");
        bob.editors().forEach(editor -> editor.sendKeys(Keys.ESCAPE));
    }

    @Test
    void anEmptySheet() {
        alice.open(server.baseUri(), SheetHttp.newSheetId("empty"));
        alice.await("the offer to import", d -> alice.shown("empty") && alice.shown("import-csv"));
        alice.screenshot("sheet-empty");
        alice.assertAccessible("on an empty sheet");
        alice.colorScheme("dark");
        alice.assertAccessible("on an empty sheet, dark");
    }

    @Test
    void aCellsHistory() throws Exception {
        Sheet sheet = peopleSheet("history");
        alice.edit(sheet.row(0), sheet.col(1), "19");
        bob.awaitCellValue(sheet.row(0), sheet.col(1), "19"); // else Bob's edit, based on 18, loses to it
        bob.edit(sheet.row(0), sheet.col(1), "20");
        alice.awaitCellValue(sheet.row(0), sheet.col(1), "20");
        alice.cell(sheet.row(0), sheet.col(1)).click();
        alice.editor(sheet.row(0), sheet.col(1)).sendKeys(Keys.ESCAPE);
        alice.driver.findElement(By.id("history")).click();
        alice.await("the history", d -> d.findElements(By.cssSelector("#history-list tr")).size() == 3);
        alice.screenshot("sheet-history");
        alice.assertAccessible("with a cell's history open");
    }

    @Test
    void aTabletAndAPhone() throws Exception {
        Sheet sheet = peopleSheet("narrow");
        bob.cell(sheet.row(1), sheet.col(1)).click();
        for (int width : new int[] {768, 400}) {
            alice.windowSize(width, 900);
            alice.await("the layout at " + width + " px", d -> (Long) alice.script("return window.innerWidth") <= width);
            @SuppressWarnings("unchecked")
            Map<String, Object> layout = (Map<String, Object>) alice.script(
                    "const box = (id) => document.getElementById(id).getBoundingClientRect();"
                            + " const s = document.getElementById('grid-scroll');"
                            + " return {pageOverflow: document.documentElement.scrollWidth - window.innerWidth,"
                            + " sideBelow: document.querySelector('.side').getBoundingClientRect().top >= box('grid-scroll').bottom,"
                            + " gridScrolls: s.scrollWidth > s.clientWidth, toolbarLines: Math.round(box('toolbar').height / box('undo').height)};");
            // (negative: the page's vertical scroll bar takes some of the window's width)
            assertTrue(((Number) layout.get("pageOverflow")).intValue() <= 0, "the page itself never scrolls sideways at " + width + " px: " + layout);
            assertEquals(true, layout.get("sideBelow"), "the side panel moves below the grid at " + width + " px: " + layout);
            if (width == 400) {
                assertEquals(true, layout.get("gridScrolls"), "the grid scrolls in its container: " + layout);
                assertTrue(((Number) layout.get("toolbarLines")).intValue() > 1, "the toolbar wraps: " + layout);
            }
            alice.screenshot("sheet-" + width);
            alice.assertAccessible("at " + width + " px");
        }
    }

    @Test
    void theServerGone() throws Exception {
        try (LiveGridServer doomed = LiveGridServer.start(TestSettings.loopback())) {
            String sheet = SheetHttp.newSheetId("gone");
            alice.open(doomed.baseUri(), sheet);
            new SheetHttp(doomed.baseUri()).fill(sheet, 3, 4, (r, c) -> "v" + r + c);
            alice.await("the table", d -> d.findElements(By.cssSelector("#grid-body td[data-row]")).size() == 12);
            doomed.close();
            alice.await("the page to notice", d -> "reconnecting".equals(alice.status()));
            alice.screenshot("sheet-disconnected");
            alice.assertAccessible("with the server gone");
        }
    }

    /** Both pages on a small sheet of people, Bob somewhere else than Alice. */
    private static Sheet peopleSheet(String prefix) throws Exception {
        String id = SheetHttp.newSheetId(prefix);
        alice.open(server.baseUri(), id);
        bob.open(server.baseUri(), id);
        List<List<String>> people = List.of(List.of("Ming", "18", "Beijing", "running"), List.of("Hong", "17", "Shanghai", "singing"),
                List.of("Xiaoxiao", "16", "Shenzhen", ""), List.of("Ana", "31", "Lisbon", "chess"), List.of("Omar", "27", "Cairo", "football"));
        Sheet sheet = http.fill(id, 4, people.size(), (r, c) -> people.get(r).get(c).isEmpty() ? null : people.get(r).get(c));
        for (GridPage page : new GridPage[] {alice, bob}) {
            page.await("the table", d -> d.findElements(By.cssSelector("#grid-body td[data-row]")).size() == 4 * people.size());
        }
        return sheet;
    }
}
