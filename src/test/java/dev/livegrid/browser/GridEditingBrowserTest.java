package dev.livegrid.browser;

import dev.livegrid.browser.SheetHttp.Sheet;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table editor's everyday moves in two headless Chromium browsers on one sheet — Alice and Bob:
 * ranges, copy, paste and clear as ONE op each, several rows at once, undo and redo that never
 * overwrite the other's work, a draft kept while the other changes the cell (Keep mine / Take theirs),
 * the keyboard alone, a cell's history, CSV export and import, column widths. Every test uses a sheet of
 * its own, filled over HTTP once both pages have joined it (joining creates it).
 */
class GridEditingBrowserTest {

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

    // ---------------------------------------------------------------- ranges and the clipboard

    @Test
    void aPastedBlockReachesTheOtherPageAsOneVersion() throws Exception {
        Sheet sheet = openBoth("paste", 3, 3, (r, c) -> "v" + r + c);
        long before = http.version(sheet.id());
        select(alice, sheet.row(1), sheet.col(1));

        alice.paste("p1\tp2\np3\tp4\n");

        bob.awaitCellValue(sheet.row(2), sheet.col(2), "p4");
        assertEquals("p1", bob.cellValue(sheet.row(1), sheet.col(1)));
        assertEquals("p2", bob.cellValue(sheet.row(1), sheet.col(2)));
        assertEquals("p3", bob.cellValue(sheet.row(2), sheet.col(1)));
        assertEquals("v00", bob.cellValue(sheet.row(0), sheet.col(0)), "a cell outside the block");
        assertEquals(before + 1, http.version(sheet.id()), "the paste is one op");
        for (int r = 1; r <= 2; r++) {
            for (int c = 1; c <= 2; c++) {
                assertEquals(before + 1, http.cellVersion(sheet.id(), sheet.row(r), sheet.col(c)), "every cell at the one version");
            }
        }
        alice.await("the pasted block to be selected", d -> alice.selectedValues().equals(List.of("p1", "p2", "p3", "p4")));
        alice.await("the paste to be announced", d -> alice.text("live").contains("Pasted 2 × 2 cells"));
    }

    @Test
    void copyPutsTheRangeOnTheClipboardAsTsvAndHtml() throws Exception {
        Sheet sheet = openBoth("copy", 3, 3, (r, c) -> r == 2 && c == 2 ? "tab\there" : "v" + r + c);
        select(alice, sheet.row(1), sheet.col(1));
        alice.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        alice.chord(Keys.SHIFT, Keys.ARROW_RIGHT);
        alice.await("a 2 × 2 range", d -> alice.selectedValues().size() == 4);

        Map<String, String> copied = alice.copy("copy");

        assertEquals("true", copied.get("handled"), "the page took the copy over from the browser");
        assertEquals("v11\tv12\nv21\t\"tab\there\"\n", copied.get("plain"));
        assertEquals("<table><tr><td>v11</td><td>v12</td></tr><tr><td>v21</td><td>tab\there</td></tr></table>", copied.get("html"));
        assertEquals("v11", alice.cellValue(sheet.row(1), sheet.col(1)), "a copy changes nothing");
    }

    @Test
    void deleteClearsARangeAsOneVersionAndCutToo() throws Exception {
        Sheet sheet = openBoth("clear", 3, 3, (r, c) -> r == 1 && c == 1 ? null : "v" + r + c);
        long before = http.version(sheet.id());
        select(alice, sheet.row(0), sheet.col(0));
        alice.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        alice.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        alice.chord(Keys.SHIFT, Keys.ARROW_RIGHT);

        alice.keys(Keys.DELETE);

        bob.awaitCellValue(sheet.row(2), sheet.col(1), "");
        for (int r = 0; r < 3; r++) {
            assertEquals("", bob.cellValue(sheet.row(r), sheet.col(0)));
            assertEquals("v" + r + "2", bob.cellValue(sheet.row(r), sheet.col(2)), "outside the range");
        }
        assertEquals(before + 1, http.version(sheet.id()), "one op");
        assertEquals(0, http.cellVersion(sheet.id(), sheet.row(1), sheet.col(1)), "an empty cell is left alone");

        select(alice, sheet.row(0), sheet.col(2));
        Map<String, String> cut = alice.copy("cut");
        assertEquals("v02\n", cut.get("plain"));
        bob.awaitCellValue(sheet.row(0), sheet.col(2), "");
        assertEquals(before + 2, http.version(sheet.id()));
    }

    @Test
    void aPasteLargerThanTheSheetAddsRowsAndAfterAYesColumnsInTheSameOp() throws Exception {
        Sheet sheet = openBoth("grow", 2, 2, (r, c) -> "v" + r + c);
        long before = http.version(sheet.id());
        select(alice, sheet.row(1), sheet.col(0));

        alice.paste("a\tb\tc\nd\te\tf\n");
        Alert confirm = alice.wait.until(ExpectedConditions.alertIsPresent());
        assertEquals("The pasted cells are 1 column wider than the sheet. Add 1 column?", confirm.getText());
        confirm.accept();

        bob.await("Bob's table to grow to 3 rows and 3 columns", d -> bob.rowCount() == 3 && bob.columnIds().size() == 3);
        assertEquals(before + 1, http.version(sheet.id()), "rows, columns and values in one op");
        String newCol = bob.columnIds().get(2);
        String newRow = bob.rowIds().get(2);
        assertEquals("c", bob.cellValue(sheet.row(1), newCol));
        assertEquals("f", bob.cellValue(newRow, newCol));
        assertEquals("d", bob.cellValue(newRow, sheet.col(0)));

        // Declined: clipped to the columns there are.
        select(alice, sheet.row(0), sheet.col(1));
        alice.paste("x\ty\tz\n");
        alice.wait.until(ExpectedConditions.alertIsPresent()).dismiss();
        bob.awaitCellValue(sheet.row(0), newCol, "y");
        assertEquals("x", bob.cellValue(sheet.row(0), sheet.col(1)));
        assertEquals(3, http.columnCount(sheet.id()), "no column added");
        assertEquals(before + 2, http.version(sheet.id()));
    }

    @Test
    void aPasteTooLargeForOneOpIsExplainedAndNotSent() throws Exception {
        Sheet sheet = openBoth("huge", 1, 1, (r, c) -> "v");
        long before = http.version(sheet.id());
        select(alice, sheet.row(0), sheet.col(0));

        alice.paste(("x".repeat(400) + "\n").repeat(1500)); // about 600 KiB as applied: over the 512 KiB an op may be

        alice.await("the refusal explained", d -> alice.text("messages").contains("This paste is about"));
        assertTrue(alice.text("messages").contains("512 KiB"), alice.text("messages"));
        assertTrue(alice.text("live").contains("nothing was sent"), alice.text("live"));
        assertEquals(before, http.version(sheet.id()), "nothing was sent");
        assertEquals("open", alice.status(), "the connection is fine");
    }

    @Test
    void insertingSeveralRowsIsOneOp() throws Exception {
        Sheet sheet = openBoth("rows", 2, 3, (r, c) -> "v" + r + c);
        long before = http.version(sheet.id());
        rowHead(alice, sheet.row(0)).click();
        new Actions(alice.driver).keyDown(Keys.SHIFT).click(rowHead(alice, sheet.row(2))).keyUp(Keys.SHIFT).perform();
        WebElement add = alice.driver.findElement(By.id("add-row"));
        alice.await("the button to offer 3 rows", d -> "Insert 3 rows".equals(add.getText()));

        add.click();

        bob.await("Bob's table to have 6 rows", d -> bob.rowCount() == 6);
        assertEquals(before + 1, http.version(sheet.id()), "one op");
        assertEquals(List.of(sheet.row(0), sheet.row(1), sheet.row(2)), bob.rowIds().subList(0, 3), "below the selected rows");

        alice.await("Undo to be enabled", d -> alice.driver.findElement(By.id("undo")).isEnabled());
        alice.chord(Keys.CONTROL, "z"); // a change of structure is undone too, in one op
        bob.await("Bob's table to have 3 rows again", d -> bob.rowCount() == 3);
        assertEquals(before + 2, http.version(sheet.id()));
    }

    @Test
    void theMouseSelectsRangesColumnsRowsAndEverything() throws Exception {
        Sheet sheet = openBoth("mouse", 3, 3, (r, c) -> "v" + r + c);

        new Actions(alice.driver).clickAndHold(alice.cell(sheet.row(0), sheet.col(0)))
                .moveToElement(alice.cell(sheet.row(1), sheet.col(1))).release().perform();
        alice.await("a dragged 2 × 2 range", d -> alice.selectedValues().equals(List.of("v00", "v01", "v10", "v11")));
        assertTrue(alice.editors().isEmpty(), "a drag opens no editor");

        new Actions(alice.driver).keyDown(Keys.SHIFT).click(alice.cell(sheet.row(2), sheet.col(2))).keyUp(Keys.SHIFT).perform();
        alice.await("shift+click to extend it to 3 × 3", d -> alice.selectedValues().size() == 9);
        assertTrue(alice.editors().isEmpty());

        header(alice, sheet.col(1)).click();
        alice.await("the column selected", d -> alice.selectedValues().equals(List.of("v01", "v11", "v21")));
        assertTrue(alice.hasClass(header(alice, sheet.col(1)), "selected"));
        assertEquals("Delete column", alice.driver.findElement(By.id("delete-column")).getText());

        alice.driver.findElement(By.cssSelector("#grid th.corner")).click();
        alice.await("everything selected", d -> alice.selectedValues().size() == 9);
        assertEquals("Delete 3 columns", alice.driver.findElement(By.id("delete-column")).getText());
    }

    @Test
    void someoneElsesChangeOfTheFocusedCellIsReadOut() throws Exception {
        Sheet sheet = openBoth("announce", 2, 2, (r, c) -> "v" + r + c);
        select(alice, sheet.row(1), sheet.col(1));

        bob.edit(sheet.row(1), sheet.col(1), "x");

        alice.await("the change read out", d -> alice.text("live").equals("Bob changed B2 to “x”."));
        assertEquals("polite", alice.driver.findElement(By.id("live")).getAttribute("aria-live"));
    }

    // ---------------------------------------------------------------- undo and redo

    @Test
    void undoAndRedoTakeAPasteBackAndForthWhole() throws Exception {
        Sheet sheet = openBoth("undo", 2, 2, (r, c) -> "v" + r + c);
        WebElement undo = alice.driver.findElement(By.id("undo"));
        WebElement redo = alice.driver.findElement(By.id("redo"));
        assertFalse(undo.isEnabled(), "nothing to undo yet");
        assertFalse(redo.isEnabled());
        long start = http.version(sheet.id());
        select(alice, sheet.row(0), sheet.col(0));
        alice.paste("a\tb\nc\td\n");
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "d");
        alice.await("Undo to be enabled", d -> undo.isEnabled());

        alice.chord(Keys.CONTROL, "z");

        bob.awaitCellValue(sheet.row(0), sheet.col(0), "v00");
        assertEquals(List.of("v00", "v01", "v10", "v11"), values(bob, sheet), "the whole paste undone");
        assertEquals(start + 2, http.version(sheet.id()), "in one op");
        alice.await("Redo to be enabled", d -> redo.isEnabled() && !undo.isEnabled());

        alice.chord(Keys.CONTROL, Keys.SHIFT, "z");
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "d");
        assertEquals(List.of("a", "b", "c", "d"), values(bob, sheet));

        alice.chord(Keys.CONTROL, "z");
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "v11");
        alice.await("Redo to be enabled again", d -> redo.isEnabled());
        alice.chord(Keys.CONTROL, "y");
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "d");

        alice.await("Undo to be enabled again", d -> undo.isEnabled());
        undo.click();
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "v11");
        alice.await("the last undo to be acknowledged", d -> redo.isEnabled());
        assertEquals(start + 6, http.version(sheet.id()), "paste, undo, redo, undo, redo, undo: one op each");
    }

    @Test
    void anUndoThatWouldOverwriteSomeoneElsesChangeIsRefusedAndExplained() throws Exception {
        Sheet sheet = openBoth("refused-undo", 2, 1, (r, c) -> "v" + c);
        alice.edit(sheet.row(0), sheet.col(1), "by Alice");
        bob.awaitCellValue(sheet.row(0), sheet.col(1), "by Alice");
        bob.edit(sheet.row(0), sheet.col(1), "by Bob");
        alice.awaitCellValue(sheet.row(0), sheet.col(1), "by Bob");
        long before = http.version(sheet.id());
        select(alice, sheet.row(0), sheet.col(0));

        alice.chord(Keys.CONTROL, "z");

        String message = alice.await("the refusal explained", d -> alice.driver.findElements(By.cssSelector("#messages li.conflict"))
                .stream().map(WebElement::getText).findFirst().orElse(null));
        assertTrue(message.contains("Bob changed B1 since; undo would overwrite it."), message);
        alice.await("the refusal read out", d -> alice.text("live").contains("Bob changed B1 since"));
        assertEquals("by Bob", http.value(sheet.id(), sheet.row(0), sheet.col(1)), "Bob's value is kept");
        assertEquals(before, http.version(sheet.id()));
        assertEquals("by Bob", bob.cellValue(sheet.row(0), sheet.col(1)));
    }

    // ---------------------------------------------------------------- no clobbered typing

    @Test
    void aRemoteChangeWhileTypingKeepsTheDraftAndKeepMineSavesIt() throws Exception {
        Sheet sheet = openBoth("keep-mine", 2, 2, (r, c) -> "v" + r + c);
        String row = sheet.row(1);
        String col = sheet.col(1);
        WebElement draft = typeWithoutSaving(alice, row, col, "mine");

        bob.edit(row, col, "theirs");

        WebElement incoming = alice.await("the incoming value beside the editor",
                d -> alice.cell(row, col).findElements(By.className("incoming")).stream().findFirst().orElse(null));
        assertTrue(incoming.getText().contains("Bob changed this to “theirs”"), incoming.getText());
        assertEquals("mine", draft.getDomProperty("value"), "the draft stays");
        assertEquals(draft, alice.driver.switchTo().activeElement(), "and keeps the focus");
        alice.await("the change read out", d -> alice.text("live").contains("Bob changed B2 to “theirs”"));
        alice.screenshot("typing-protection");

        draft.sendKeys(Keys.ENTER);

        alice.await("the choice to be offered", d -> alice.shown("conflict-bar"));
        assertTrue(alice.text("conflict-text").contains("“theirs”") && alice.text("conflict-text").contains("“mine”"),
                alice.text("conflict-text"));
        assertTrue(alice.hasClass(alice.cell(row, col), "conflict"));
        assertEquals("theirs", http.value(sheet.id(), row, col), "compare-and-set: Bob's value was not overwritten");
        alice.screenshot("conflict");
        alice.assertAccessible("with a conflict to decide");

        alice.chord(Keys.SHIFT, Keys.TAB); // from the grid back into the bar: Take theirs, then Keep mine
        alice.chord(Keys.SHIFT, Keys.TAB);
        assertEquals("keep-mine", alice.driver.switchTo().activeElement().getAttribute("id"));
        alice.keys(Keys.ENTER);

        bob.awaitCellValue(row, col, "mine");
        assertEquals("mine", http.value(sheet.id(), row, col));
        alice.await("the bar to go", d -> !alice.shown("conflict-bar"));
        assertFalse(alice.hasClass(alice.cell(row, col), "conflict"));
    }

    @Test
    void takeTheirsDropsTheDraft() throws Exception {
        Sheet sheet = openBoth("take-theirs", 1, 1, (r, c) -> "start");
        String row = sheet.row(0);
        String col = sheet.col(0);
        WebElement draft = typeWithoutSaving(alice, row, col, "mine");
        bob.edit(row, col, "theirs");
        alice.await("the incoming value", d -> !alice.cell(row, col).findElements(By.className("incoming")).isEmpty());
        draft.sendKeys(Keys.ENTER);
        alice.await("the choice", d -> alice.shown("conflict-bar"));
        long before = http.version(sheet.id());

        alice.driver.findElement(By.id("take-theirs")).click();

        alice.await("the bar to go", d -> !alice.shown("conflict-bar"));
        assertEquals("theirs", alice.cellValue(row, col));
        assertFalse(alice.hasClass(alice.cell(row, col), "conflict"));
        assertEquals(before, http.version(sheet.id()), "nothing sent");
        assertEquals("theirs", bob.cellValue(row, col));
    }

    // ---------------------------------------------------------------- the keyboard alone

    @Test
    void editingAValueWithLineBreaksKeepsThemAndAltEnterAddsOne() throws Exception {
        Sheet sheet = openBoth("lines", 1, 2, (r, c) -> c == 0 ? "first line\nsecond line" : "v" + r + c);
        alice.script("document.getElementById('export-csv').focus()");
        alice.keys(Keys.TAB);
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(0)), alice.focusedCell());

        alice.keys(Keys.F2);
        WebElement editor = alice.editor(sheet.row(0), sheet.col(0));
        assertEquals("first line\nsecond line", editor.getDomProperty("value"), "the editor holds the line break");
        alice.keys("!");
        alice.chord(Keys.ALT, Keys.ENTER);
        alice.keys("third", Keys.ENTER);

        bob.awaitCellValue(sheet.row(0), sheet.col(0), "first line\nsecond line!\nthird");
    }

    @Test
    void theGridWorksFromTheKeyboardAlone() throws Exception {
        Sheet sheet = openBoth("keyboard", 3, 3, (r, c) -> "v" + r + c);
        alice.script("document.getElementById('export-csv').focus()"); // the last stop before the grid

        alice.keys(Keys.TAB);
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(0)), alice.focusedCell(), "Tab enters the grid on its first cell");
        WebElement grid = alice.driver.findElement(By.id("grid"));
        assertEquals("4", grid.getAttribute("aria-rowcount"));
        assertEquals("4", grid.getAttribute("aria-colcount"));
        assertEquals("0", alice.cell(sheet.row(0), sheet.col(0)).getAttribute("tabindex"), "roving tabindex");

        alice.keys(Keys.ARROW_DOWN, Keys.ARROW_RIGHT);
        assertEquals(Map.of("row", sheet.row(1), "col", sheet.col(1)), alice.focusedCell());
        assertEquals("true", alice.cell(sheet.row(1), sheet.col(1)).getAttribute("aria-selected"));
        assertEquals("-1", alice.cell(sheet.row(0), sheet.col(0)).getAttribute("tabindex"));

        alice.keys(Keys.ENTER); // Enter edits, Escape cancels
        WebElement editor = alice.editor(sheet.row(1), sheet.col(1));
        assertEquals("v11", editor.getDomProperty("value"));
        alice.keys("x", Keys.ESCAPE);
        alice.await("the editor to close", d -> alice.editors().isEmpty());
        assertEquals(Map.of("row", sheet.row(1), "col", sheet.col(1)), alice.focusedCell(), "the focus goes back to the cell");
        assertEquals("v11", alice.cellValue(sheet.row(1), sheet.col(1)));

        alice.keys(Keys.F2); // F2 edits with the caret at the end; Enter saves and moves down
        alice.editor(sheet.row(1), sheet.col(1));
        alice.keys("!", Keys.ENTER);
        bob.awaitCellValue(sheet.row(1), sheet.col(1), "v11!");
        assertEquals(Map.of("row", sheet.row(2), "col", sheet.col(1)), alice.focusedCell());

        alice.keys("n", "e", "w", Keys.TAB); // typing starts editing with the character; Tab saves and moves right
        bob.awaitCellValue(sheet.row(2), sheet.col(1), "new");
        assertEquals(Map.of("row", sheet.row(2), "col", sheet.col(2)), alice.focusedCell());

        alice.keys(Keys.HOME);
        assertEquals(Map.of("row", sheet.row(2), "col", sheet.col(0)), alice.focusedCell());
        alice.chord(Keys.CONTROL, Keys.HOME);
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(0)), alice.focusedCell());
        alice.chord(Keys.CONTROL, Keys.END);
        assertEquals(Map.of("row", sheet.row(2), "col", sheet.col(2)), alice.focusedCell());
        alice.keys(Keys.PAGE_UP);
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(2)), alice.focusedCell());
        alice.chord(Keys.SHIFT, Keys.ARROW_DOWN);
        assertEquals(List.of("v02", "v12"), alice.selectedValues(), "Shift+arrows extend the range");
        alice.chord(Keys.CONTROL, "a");
        assertEquals(9, alice.selectedValues().size(), "Ctrl+A selects all");
        alice.keys(Keys.ESCAPE);
        assertEquals(1, alice.selectedValues().size(), "Escape collapses the range");

        alice.chord(Keys.SHIFT, Keys.TAB);
        assertEquals("export-csv", alice.driver.switchTo().activeElement().getAttribute("id"), "Shift+Tab leaves the grid");
        alice.keys(Keys.TAB);
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(2)), alice.focusedCell(), "and Tab comes back to the active cell");
        assertTrue(alice.driver.findElements(By.cssSelector("#grid td[tabindex='0']")).size() == 1, "one tab stop");
    }

    // ---------------------------------------------------------------- history, files, widths

    @Test
    void theHistoryPanelListsTheCellsValuesAndEscapeClosesIt() throws Exception {
        Sheet sheet = openBoth("history", 1, 1, (r, c) -> null);
        alice.edit(sheet.row(0), sheet.col(0), "one");
        alice.edit(sheet.row(0), sheet.col(0), "two");
        bob.awaitCellValue(sheet.row(0), sheet.col(0), "two");
        bob.edit(sheet.row(0), sheet.col(0), "three");
        alice.awaitCellValue(sheet.row(0), sheet.col(0), "three");
        select(alice, sheet.row(0), sheet.col(0));

        alice.driver.findElement(By.id("history")).click();

        List<WebElement> entries = alice.await("three entries", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#history-list tr"));
            return rows.size() == 3 ? rows : null;
        });
        assertTrue(entries.get(0).getText().contains("three") && entries.get(0).getText().contains("Bob"), entries.get(0).getText());
        assertTrue(entries.get(2).getText().contains("one") && entries.get(2).getText().contains("you"), entries.get(2).getText());
        assertEquals("History of A1 (Col A)", alice.text("history-title"));
        alice.screenshot("history");

        alice.keys(Keys.ESCAPE);
        alice.await("the panel to close", d -> !alice.shown("history-panel"));
        assertEquals(Map.of("row", sheet.row(0), "col", sheet.col(0)), alice.focusedCell(), "the focus goes back to the cell");
    }

    @Test
    void exportIsARelativeLinkToTheCsv() throws Exception {
        Sheet sheet = openBoth("export", 2, 1, (r, c) -> "v" + c);
        WebElement link = alice.driver.findElement(By.id("export-csv"));
        assertEquals("api/sheets/" + sheet.id() + ".csv", link.getAttribute("href").replace(server.baseUri().toString(), ""));
        assertEquals("api/sheets/" + sheet.id() + ".csv", alice.script("return arguments[0].getAttribute('href')", link));
        assertEquals("Col A,Col B\r\nv0,v1\r\n", http.text(link.getAttribute("href").replace(server.baseUri().toString(), "")));
        assertEquals("./", alice.script("return document.querySelector('.home-link').getAttribute('href')"), "the way home");
    }

    @Test
    void anEmptySheetOffersAnImportThatArrivesAsOneVersion() throws Exception {
        String sheet = SheetHttp.newSheetId("import");
        alice.open(server.baseUri(), sheet);
        bob.open(server.baseUri(), sheet);
        alice.await("the import offer", d -> alice.shown("empty") && alice.shown("import-csv"));

        alice.script("const file = new File([arguments[0]], 'people.csv', {type: 'text/csv'});"
                + " const data = new DataTransfer(); data.items.add(file);"
                + " const input = document.getElementById('import-file'); input.files = data.files;"
                + " input.dispatchEvent(new Event('change'));", "name,age\nMing,18\n\"Hong, Jr.\",17\n");

        bob.await("Bob's page to show the imported table", d -> bob.columnNames().equals(List.of("name", "age")) && bob.rowCount() == 2);
        assertEquals(1, http.version(sheet), "the whole file as one op");
        String row = bob.rowIds().get(1);
        assertEquals("Hong, Jr.", bob.cellValue(row, bob.columnIds().get(0)));
        alice.await("the import reported", d -> alice.text("messages").contains("Imported people.csv: 2 rows and 2 columns"));
        alice.await("the offer to go", d -> !alice.shown("empty"));
    }

    @Test
    void columnWidthsFollowTheDragAndTheKeyboardAndAreKept() throws Exception {
        Sheet sheet = openBoth("widths", 2, 1, (r, c) -> "v" + c);
        WebElement header = header(alice, sheet.col(0));
        int start = header.getRect().getWidth();

        new Actions(alice.driver).clickAndHold(header.findElement(By.className("col-resize"))).moveByOffset(60, 0).release().perform();

        alice.await("the column to be 60 px wider", d -> Math.abs(header(alice, sheet.col(0)).getRect().getWidth() - (start + 60)) <= 2);
        alice.open(server.baseUri(), sheet.id());
        alice.await("the width to be kept after a reload", d -> Math.abs(header(alice, sheet.col(0)).getRect().getWidth() - (start + 60)) <= 2);

        select(alice, sheet.row(0), sheet.col(1));
        alice.keys(Keys.ARROW_UP); // to the column's header
        assertEquals(sheet.col(1), alice.driver.switchTo().activeElement().getAttribute("data-col"));
        int before = header(alice, sheet.col(1)).getRect().getWidth();
        alice.chord(Keys.ALT, Keys.SHIFT, Keys.ARROW_RIGHT);
        alice.await("the column to be 16 px wider", d -> header(alice, sheet.col(1)).getRect().getWidth() == before + 16);
        alice.await("the width read out", d -> alice.text("live").contains("pixels wide"));
    }

    // ---------------------------------------------------------------- helpers

    /** Opens both pages on a new sheet, fills it over HTTP, and waits until both show every cell. */
    private static Sheet openBoth(String prefix, int columns, int rows, SheetHttp.CellValue cell) throws Exception {
        String id = SheetHttp.newSheetId(prefix);
        alice.open(server.baseUri(), id);
        bob.open(server.baseUri(), id);
        Sheet sheet = http.fill(id, columns, rows, cell);
        for (GridPage page : new GridPage[] {alice, bob}) {
            page.await("the table of " + id + " to arrive",
                    d -> d.findElements(By.cssSelector("#grid-body td[data-row]")).size() == columns * rows);
        }
        return sheet;
    }

    /** Puts the focus on a cell without editing it: a click opens the editor, Escape closes it. */
    private static void select(GridPage page, String row, String col) {
        page.cell(row, col).click();
        page.editor(row, col);
        page.keys(Keys.ESCAPE);
        page.await("the focus on cell " + row + "/" + col, d -> Map.of("row", row, "col", col).equals(page.focusedCell()));
    }

    /** Click, type, no Enter: the editor stays open with the text. */
    private static WebElement typeWithoutSaving(GridPage page, String row, String col, String text) {
        page.cell(row, col).click();
        WebElement editor = page.editor(row, col);
        editor.sendKeys(text);
        return editor;
    }

    private static WebElement rowHead(GridPage page, String row) {
        return page.driver.findElement(By.cssSelector("tr[data-row='" + row + "'] th.row-head"));
    }

    private static WebElement header(GridPage page, String col) {
        return page.driver.findElement(By.cssSelector("#grid-head th[data-col='" + col + "']"));
    }

    /** A 2 × 2 sheet's values, row by row, as the page shows them. */
    private static List<String> values(GridPage page, Sheet sheet) {
        return List.of(page.cellValue(sheet.row(0), sheet.col(0)), page.cellValue(sheet.row(0), sheet.col(1)),
                page.cellValue(sheet.row(1), sheet.col(0)), page.cellValue(sheet.row(1), sheet.col(1)));
    }
}
