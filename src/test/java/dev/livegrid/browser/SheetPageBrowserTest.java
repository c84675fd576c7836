package dev.livegrid.browser;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the table editor ({@code index.html}) in two headless Chromium browsers at once — two users,
 * Alice and Bob, on the same sheet — against a running standalone server. Every test uses a sheet of
 * its own; its table is made over {@code POST /api/sheets/{id}/ops} once both pages have joined
 * (joining creates the sheet), so the pages see it arrive as ordinary {@code applied} ops.
 */
class SheetPageBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String EMOJI = "\uD83D\uDE00"; // 😀: one code point, two UTF-16 units

    private static LiveGridServer server;
    private static HttpClient http;
    private static Page alice;
    private static Page bob;

    @BeforeAll
    static void startServerAndBrowsers() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        // Plain HTTP/1.1: the JDK's default offers an h2c upgrade, which Grizzly handles less simply (see HTTP-API.md).
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        alice = Page.launch("Alice");
        bob = Page.launch("Bob");
    }

    @AfterAll
    static void stopBrowsersAndServer() throws IOException {
        try {
            for (Page page : new Page[] {alice, bob}) {
                if (page != null) {
                    page.quit();
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    void editInOnePageAppearsInTheOther() throws Exception {
        Grid grid = openBothOnNewSheet("edit", 2, 2);
        String row = grid.rows().get(1);
        String col = grid.cols().get(0);

        alice.edit(row, col, "hello from Alice");

        bob.awaitCellValue(row, col, "hello from Alice");
        alice.awaitCellValue(row, col, "hello from Alice");
        alice.await("Alice's edit to be acknowledged (no longer pending)",
                d -> !alice.cell(row, col).getAttribute("class").contains("pending"));
        for (String otherRow : grid.rows()) {
            for (String otherCol : grid.cols()) {
                if (!otherRow.equals(row) || !otherCol.equals(col)) {
                    assertEquals("", bob.cellValue(otherRow, otherCol), "cell " + otherRow + "/" + otherCol);
                }
            }
        }
    }

    @Test
    void presenceMarkersShowWhoIsWhere() throws Exception {
        Grid grid = openBothOnNewSheet("presence", 2, 2);
        String row = grid.rows().get(1);
        String col = grid.cols().get(1);

        bob.await("Bob's user list to show Alice and himself",
                d -> Set.of("Alice", "Bob (you)").equals(Set.copyOf(bob.userNames())));
        String aliceId = bob.driver.findElements(By.cssSelector("#users li[data-user]")).stream()
                .filter(li -> li.findElement(By.className("name")).getText().equals("Alice"))
                .map(li -> li.getAttribute("data-user"))
                .findFirst().orElseThrow();
        assertTrue(bob.driver.findElements(By.cssSelector(".presence-marker")).isEmpty(),
                "nobody is on a cell yet, but Bob sees a marker");

        alice.cell(row, col).click();

        WebElement marker = bob.await("a presence marker for Alice in cell " + row + "/" + col,
                d -> bob.cell(row, col).findElements(By.cssSelector(".presence-marker[data-user='" + aliceId + "']"))
                        .stream().findFirst().orElse(null));
        assertEquals("Alice", marker.getDomProperty("textContent"));
        assertTrue(bob.cell(row, col).getAttribute("class").contains("occupied"));
        assertEquals(1, bob.driver.findElements(By.cssSelector(".presence-marker")).size(),
                "Bob sees markers elsewhere too");
        assertTrue(alice.driver.findElements(By.cssSelector(".presence-marker")).isEmpty(),
                "Alice sees a marker of her own");
        alice.editor(row, col).sendKeys(Keys.ESCAPE);
    }

    @Test
    void markupInACellIsRenderedAsText() throws Exception {
        String bold = "<b>x</b>";
        String image = "<img src=x onerror=alert(1)>";
        Grid grid = openBothOnNewSheet("markup", 2, 1);
        String row = grid.rows().get(0);

        String italicColumn = "<i>" + grid.columnNames().get(1) + "</i>";
        postOp(grid.sheet(), Json.createObjectBuilder().add("type", "renameColumn").add("col", grid.cols().get(1))
                .add("name", italicColumn));

        alice.edit(row, grid.cols().get(0), bold);
        alice.edit(row, grid.cols().get(1), image);

        bob.awaitCellValue(row, grid.cols().get(0), bold);
        bob.awaitCellValue(row, grid.cols().get(1), image);
        alice.awaitCellValue(row, grid.cols().get(1), image);
        assertEquals(List.of(grid.columnNames().get(0), italicColumn), bob.columnNames());
        for (Page page : new Page[] {alice, bob}) {
            assertTrue(page.driver.findElements(By.cssSelector("#grid b, #grid img, #grid i")).isEmpty(),
                    page.name + "'s table turned a value into elements");
            assertThrows(NoAlertPresentException.class, () -> page.driver.switchTo().alert(),
                    page.name + "'s page ran a script from a value");
        }
    }

    @Test
    void lostRaceIsFlaggedWithTheWinningValue() throws Exception {
        Grid grid = openBothOnNewSheet("race", 1, 1);
        String row = grid.rows().get(0);
        String col = grid.cols().get(0);

        bob.cell(row, col).click();
        WebElement bobsEditor = bob.editor(row, col);   // Bob's base is taken now: the empty cell
        alice.edit(row, col, "Alice wins");
        bob.awaitCellValue(row, col, "Alice wins");      // so the server applied Alice's edit first
        bobsEditor.sendKeys("Bob loses", Keys.ENTER);

        WebElement cell = bob.await("Bob's cell to be flagged as a conflict",
                d -> bob.cell(row, col).getAttribute("class").contains("conflict") ? bob.cell(row, col) : null);
        String title = cell.getAttribute("title");
        assertTrue(title != null && title.contains("Alice wins") && title.contains("Bob loses"),
                "the conflict's title should name both values: " + title);
        bob.awaitCellValue(row, col, "Alice wins");
        assertFalse(cell.getAttribute("class").contains("pending"), "the refused edit is still pending");
        String message = bob.await("a conflict message",
                d -> d.findElements(By.cssSelector("#messages li.conflict")).stream()
                        .map(WebElement::getText).findFirst().orElse(null));
        assertTrue(message.contains("Alice wins"), message);

        assertEquals("Alice wins", alice.cellValue(row, col));
        assertFalse(alice.cell(row, col).getAttribute("class").contains("conflict"), "the winner is flagged");
        assertEquals("Alice wins", getSheetCell(grid.sheet(), row, col), "the server's value");
    }

    @Test
    void connectionIndicatorShowsOpen() {
        String sheet = newSheetId("status");
        for (Page page : new Page[] {alice, bob}) {
            page.open(sheet);
            WebElement status = page.driver.findElement(By.id("status"));
            assertEquals("open", status.getText());
            assertEquals("open", status.getAttribute("data-status"));
        }
    }

    @Test
    void aNameOf51EmojiJoins() {
        String name = EMOJI.repeat(51);

        alice.load(newSheetId("emoji"), name);

        alice.await("#status to be open", d -> "open".equals(alice.status()));
        assertEquals(name, alice.driver.findElement(By.id("you")).getDomProperty("textContent"));
    }

    @Test
    void aTooLongNameIsExplainedAndThePageStops() {
        alice.load(newSheetId("long-name"), EMOJI.repeat(101));

        alice.await("the reason in the messages", d -> alice.messages().contains("A name is at most 100 characters"));
        assertEquals("closed", alice.status());
        assertFalse(alice.driver.findElement(By.id("add-row")).isEnabled(), "nothing can be done on a page that stopped");
    }

    /**
     * A handshake the server refuses for a rule the client does not know (here a resume version the
     * socket's URL is made to carry): the browser sees only close 1006, the client asks the same URL
     * over HTTP, reports the server's reason and stops instead of reconnecting.
     */
    @Test
    void aHandshakeTheServerRefusesIsExplainedAndNotRetried() {
        alice.open(newSheetId("refused"));
        alice.driver.manage().timeouts().scriptTimeout(TIMEOUT);

        @SuppressWarnings("unchecked")
        Map<String, Object> outcome = (Map<String, Object>) ((JavascriptExecutor) alice.driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const sheet = arguments[0];
                import('./js/livegrid.js').then(({ LiveGridClient }) => {
                    let sockets = 0;
                    class Drifted extends WebSocket {
                        constructor(url) { sockets++; super(url + '&since=-1'); }
                    }
                    const client = new LiveGridClient(sheet, { name: 'Drift', WebSocket: Drifted, backoff: () => 50 });
                    const statuses = [];
                    let error = null;
                    client.addEventListener('error', (e) => { error = e.detail; });
                    client.addEventListener('status', (e) => {
                        statuses.push(e.detail.status);
                        if (e.detail.status === 'closed') {
                            done({ statuses, sockets, code: error?.code, status: error?.status, message: error?.message });
                        }
                    });
                    client.connect();
                }, (e) => done({ failure: String(e) }));
                """, newSheetId("refused"));

        assertEquals(List.of("connecting", "reconnecting", "closed"), outcome.get("statuses"), outcome::toString);
        assertEquals("refused", outcome.get("code"), outcome::toString);
        assertEquals(400L, outcome.get("status"), outcome::toString);
        assertEquals("Parameter 'since' must be a sheet version (0 or more), not '-1'.", outcome.get("message"));
        assertEquals(1L, outcome.get("sockets"), "one attempt, not a retry loop");
    }

    @Test
    void structureEditsReachTheOtherPage() throws Exception {
        Grid grid = openBothOnNewSheet("structure", 1, 1);
        String newColumn = "Price " + UUID.randomUUID().toString().substring(0, 6);
        assertEquals(1, bob.rowCount());
        assertEquals(1, bob.columnNames().size());

        alice.driver.findElement(By.id("add-row")).click();

        bob.await("Bob's table to have 2 rows", d -> bob.rowCount() == 2);

        alice.driver.findElement(By.id("add-column")).click();
        Alert prompt = alice.wait.until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys(newColumn);
        prompt.accept();

        bob.await("Bob's header to show the new column '" + newColumn + "'",
                d -> bob.columnNames().equals(List.of(grid.columnNames().get(0), newColumn)));
        alice.await("Alice's header to show the new column", d -> alice.columnNames().size() == 2);
        assertEquals(alice.columnNames(), bob.columnNames());
        bob.await("every row of Bob's table to have a cell per column",
                d -> d.findElements(By.cssSelector("#grid-body td[data-row]")).size() == 4);
    }

    // ---------------------------------------------------------------- helpers

    private record Grid(String sheet, List<String> cols, List<String> columnNames, List<String> rows) {
    }

    /**
     * Opens both pages on a new sheet, then adds {@code columns} columns and {@code rows} empty rows to
     * it over HTTP, and waits until both pages show every cell.
     */
    private static Grid openBothOnNewSheet(String prefix, int columns, int rows) throws Exception {
        String sheet = newSheetId(prefix);
        alice.open(sheet);
        bob.open(sheet);
        List<String> cols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            String name = "Col " + (char) ('A' + i);
            JsonObjectBuilder add = Json.createObjectBuilder().add("type", "addColumn").add("name", name);
            if (!cols.isEmpty()) {
                add.add("after", cols.get(cols.size() - 1));
            }
            cols.add(postOp(sheet, add).getString("col"));
            names.add(name);
        }
        List<String> rowIds = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            JsonObjectBuilder insert = Json.createObjectBuilder().add("type", "insertRow");
            if (!rowIds.isEmpty()) {
                insert.add("after", rowIds.get(rowIds.size() - 1));
            }
            rowIds.add(postOp(sheet, insert).getString("row"));
        }
        for (Page page : new Page[] {alice, bob}) {
            page.await("the table of " + sheet + " to arrive",
                    d -> page.columnNames().equals(names)
                            && d.findElements(By.cssSelector("#grid-body td[data-row]")).size() == columns * rows);
        }
        return new Grid(sheet, List.copyOf(cols), List.copyOf(names), List.copyOf(rowIds));
    }

    private static String newSheetId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** POSTs one op and returns the {@code op} of the {@code applied} answer (with the ids the server assigned). */
    private static JsonObject postOp(String sheet, JsonObjectBuilder op) throws Exception {
        String body = op.add("id", "setup-" + UUID.randomUUID()).build().toString();
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve("api/sheets/" + sheet + "/ops"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "POST " + body + " answered " + response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonObject("op");
    }

    /** The value the server holds for a cell ({@code GET /api/sheets/{id}}), "" when empty. */
    private static String getSheetCell(String sheet, String row, String col) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve("api/sheets/" + sheet))
                .timeout(TIMEOUT).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject view = Json.createReader(new StringReader(response.body())).readObject();
        return view.getJsonArray("rows").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("id").equals(row))
                .map(r -> r.getJsonObject("cells").getJsonObject(col))
                .map(cell -> cell == null || cell.isNull("value") ? "" : cell.getString("value"))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + row + " in " + view));
    }

    /** One browser: one user. */
    private static final class Page {
        final String name;
        final HeadlessChromium browser;
        final WebDriver driver;
        final WebDriverWait wait;

        private Page(String name, HeadlessChromium browser) {
            this.name = name;
            this.browser = browser;
            this.driver = browser.driver();
            this.wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
            this.wait.ignoring(StaleElementReferenceException.class);
        }

        static Page launch(String name) throws IOException {
            return new Page(name, HeadlessChromium.launch());
        }

        void quit() throws IOException {
            browser.close();
        }

        /** Loads the page on {@code sheet} as this user and waits until it is connected. */
        void open(String sheet) {
            load(sheet, name);
            await("#status to be open", d -> "open".equals(status()));
        }

        /** Loads the page on {@code sheet} under the display name {@code as}, without waiting. */
        void load(String sheet, String as) {
            driver.get(server.baseUri().resolve("index.html?sheet=" + sheet + "&name="
                    + URLEncoder.encode(as, StandardCharsets.UTF_8)).toString());
        }

        String status() {
            return driver.findElement(By.id("status")).getAttribute("data-status");
        }

        String messages() {
            return driver.findElement(By.id("messages")).getDomProperty("textContent");
        }

        <T> T await(String what, Function<WebDriver, T> condition) {
            return wait.withMessage(() -> name + "'s page: waited for " + what + "; the table shows:\n"
                            + driver.findElement(By.id("grid")).getText()
                            + "\nmessages:\n" + driver.findElement(By.id("messages")).getText())
                    .until(condition);
        }

        WebElement cell(String row, String col) {
            return driver.findElement(cellSelector(row, col));
        }

        /** The cell's value text ({@code .cell-value}: the cell's own text also has the presence markers). */
        String cellValue(String row, String col) {
            return cell(row, col).findElement(By.className("cell-value")).getDomProperty("textContent");
        }

        void awaitCellValue(String row, String col, String value) {
            await("cell " + row + "/" + col + " to show '" + value + "'",
                    d -> !d.findElements(cellSelector(row, col)).isEmpty() && value.equals(cellValue(row, col)));
        }

        /** The focused editor opened in a cell. */
        WebElement editor(String row, String col) {
            return await("an editor in cell " + row + "/" + col, d -> {
                WebElement input = cell(row, col).findElements(By.cssSelector(".cell-editor")).stream()
                        .findFirst().orElse(null);
                return input != null && input.equals(d.switchTo().activeElement()) ? input : null;
            });
        }

        /** Click, type, Enter: the editor opens with the old text selected, so typing replaces it. */
        void edit(String row, String col, String value) {
            cell(row, col).click();
            editor(row, col).sendKeys(value, Keys.ENTER);
            await("the editor in " + row + "/" + col + " to close",
                    d -> cell(row, col).findElements(By.cssSelector(".cell-editor")).isEmpty());
        }

        List<String> userNames() {
            return driver.findElements(By.cssSelector("#users li[data-user] .name")).stream()
                    .map(WebElement::getText).collect(Collectors.toList());
        }

        List<String> columnNames() {
            return driver.findElements(By.cssSelector("#grid-head th[data-col]")).stream()
                    .map(th -> th.getDomProperty("textContent")).collect(Collectors.toList());
        }

        /** Rows that have cells: {@code tr}s of the body with a {@code td[data-row]}. */
        int rowCount() {
            return (int) driver.findElements(By.cssSelector("#grid-body tr")).stream()
                    .filter(tr -> !tr.findElements(By.cssSelector("td[data-row]")).isEmpty())
                    .count();
        }

        private static By cellSelector(String row, String col) {
            return By.cssSelector("td[data-row='" + row + "'][data-col='" + col + "']");
        }
    }
}
