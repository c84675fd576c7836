package dev.livegrid.browser;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.SheetClient;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table editor ({@code index.html}) in headless Chromium against a standalone server with
 * {@code auth=token}: the page takes its token from {@code #token=…}, shows who the user is and their
 * role, keeps viewers from editing, follows role changes live, and explains a missing, expired,
 * refused or revoked token instead of showing a broken grid or reconnecting in a loop. Every test
 * uses a sheet of its own, made by an owner over a socket and filled over HTTP.
 */
class SignedInPageBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Tokens TOKENS = Tokens.hs256();
    /** Creates the test sheets, so it owns them. */
    private static final String OWNER = TOKENS.withRole("olga", "editor");

    private static LiveGridServer server;
    private static HttpClient http;
    private static HeadlessChromium browser;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startServerAndBrowser() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        browser = HeadlessChromium.launch();
        driver = browser.driver();
        wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stopBrowserAndServer() throws IOException {
        HeadlessChromium.closeWith(browser, server);
    }

    /** The tab keeps its token in sessionStorage across loads: every test starts without one. */
    @BeforeEach
    void forgetTheToken() {
        driver.get(server.baseUri().resolve("css/sheet.css").toString());
        script("sessionStorage.clear()");
    }

    // ---------------------------------------------------------------- tests

    @Test
    void anEditorOpensThePageWithATokenInItsFragment() throws Exception {
        Grid grid = newSheet("signed-in", 1);
        String token = token("erin", "Erin E.", "editor", Duration.ofHours(1));

        open(grid.sheet(), token);

        assertEquals(pageAddress(grid.sheet()), driver.getCurrentUrl(), "the token is taken out of the address bar");
        assertEquals(token, script("return sessionStorage.getItem('livegrid.token')"));
        assertEquals("Erin E.", text("you"), "the token's name claim");
        assertEquals("editor", role());
        assertFalse(shown("view-only"));
        assertFalse(shown("notice"));
        await("the user list to show Erin", d -> text("users").contains("Erin E. (you)"));

        edit(grid.row(), grid.col(), "by Erin");
        await("the edit to be acknowledged", d -> !cell(grid.row(), grid.col()).getAttribute("class").contains("pending"));
        assertEquals("by Erin", serverValue(grid));
        assertFalse(driver.getPageSource().contains(token), "the token is in the page's DOM");
        assertFalse(text("messages").contains(token));

        driver.navigate().refresh();
        awaitStatus("open");
        assertEquals(pageAddress(grid.sheet()), driver.getCurrentUrl());
        assertEquals("editor", role(), "the tab's token is used again after a reload");
    }

    @Test
    void aViewerSeesTheSheetButCannotChangeIt() throws Exception {
        Grid grid = newSheet("viewer", 1);
        postOp(grid.sheet(), Json.createObjectBuilder().add("type", "edit").add("row", grid.row())
                .add("col", grid.col()).add("value", "owner's"));

        open(grid.sheet(), token("vic", "Vic V.", "viewer", Duration.ofHours(1)));
        awaitCellValue(grid, "owner's");

        assertEquals("viewer", role());
        assertTrue(shown("view-only"), "the page says it is view only");
        assertTrue(text("view-only").startsWith("View only"), text("view-only"));
        assertTrue(grid().getAttribute("class").contains("read-only"));
        assertFalse(shown("edit-hint"), "the page explains how to edit to a viewer");
        for (String button : List.of("undo", "redo", "add-row", "delete-row", "add-column", "rename-column", "delete-column")) {
            assertFalse(driver.findElement(By.id(button)).isEnabled(), button + " is enabled for a viewer");
        }
        cell(grid.row(), grid.col()).click();
        await("the clicked cell to be selected", d -> cell(grid.row(), grid.col()).getAttribute("class").contains("selected"));
        driver.switchTo().activeElement().sendKeys("x", Keys.ENTER, Keys.DELETE);
        assertTrue(editors().isEmpty(), "a viewer got a cell editor");
        // A paste is explained, never sent.
        script("const data = new DataTransfer(); data.setData('text/plain', 'pasted\tcells');"
                + " document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));");
        await("the viewer to be told why not", d -> text("messages").contains("View only: your role on this sheet lets you read it"));
        assertTrue(text("live").contains("View only"), text("live"));
        Screenshots.take(driver, "sheet-viewer");
        AxeCheck.assertNoSeriousViolations(driver, "as a viewer");
        assertEquals("owner's", cellValue(grid.row(), grid.col()));
        assertEquals("owner's", serverValue(grid));
    }

    @Test
    void anOwnerChangesTheRoleLiveAndThenRevokesAccess() throws Exception {
        Grid grid = newSheet("live-role", 1);
        open(grid.sheet(), token("ed", "Ed", "editor", Duration.ofHours(1)));
        assertEquals("editor", role());
        cell(grid.row(), grid.col()).click();
        await("an editor in the cell", d -> editors().size() == 1);

        setAccess(grid.sheet(), "ed", "viewer");

        await("the role to become viewer", d -> "viewer".equals(role()));
        assertTrue(shown("view-only"));
        assertTrue(editors().isEmpty(), "the open editor is closed: its text can no longer be saved");
        assertFalse(driver.findElement(By.id("add-row")).isEnabled());
        cell(grid.row(), grid.col()).click();
        assertTrue(editors().isEmpty(), "a downgraded user got a cell editor");
        assertTrue(text("messages").contains("now viewer"), text("messages"));

        setAccess(grid.sheet(), "ed", "editor");

        await("the role to become editor again", d -> "editor".equals(role()));
        assertFalse(shown("view-only"));
        edit(grid.row(), grid.col(), "after the upgrade");
        await("the server to have the edit", d -> "after the upgrade".equals(serverValueOrNull(grid)));

        setAccess(grid.sheet(), "ed", "none");

        await("the access-revoked notice", d -> "revoked".equals(noticeReason()));
        assertEquals("closed", status());
        assertTrue(text("notice").contains("revoked"), text("notice"));
        assertFalse(shown("sheet"), "the sheet is no longer shown");
        staysClosed("revoked");
    }

    @Test
    void withoutATokenThePageAsksToSignIn() {
        for (String address : List.of("index.html?sheet=" + newSheetId("anonymous"))) { // the home page: HomePageBrowserTest
            driver.get(server.baseUri().resolve(address).toString());

            await("the sign-in notice on " + address, d -> "sign-in".equals(noticeReason()));
            assertEquals("closed", status());
            assertTrue(text("notice").contains("Sign-in required"), text("notice"));
            assertTrue(text("notice").contains(server.baseUri().resolve(address) + "#token=YOUR-TOKEN"), text("notice"));
            assertFalse(shown("sheet"), "a grid is shown without a sign-in");
            assertFalse(shown("toolbar"));
            assertFalse(shown("identity"), "a made-up guest name is shown to nobody in particular");
        }
    }

    @Test
    void aRefusedExpiredOrInsufficientTokenIsExplained() {
        driver.get(server.baseUri().resolve("index.html?sheet=" + newSheetId("refused") + "#token=not-a-jwt").toString());
        await("the refused-token notice", d -> "token-refused".equals(noticeReason()));
        assertTrue(text("notice").contains("not a signed JWT"), text("notice"));
        assertFalse(driver.getCurrentUrl().contains("token"));

        String expired = TOKENS.mint(b -> b.subject("old").expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1))))
                .claim("livegrid", Map.of("role", "editor")));
        driver.get(server.baseUri().resolve("css/sheet.css").toString());
        script("sessionStorage.setItem('livegrid.token', arguments[0])", expired);
        driver.get(server.baseUri().resolve("index.html?sheet=" + newSheetId("stored")).toString());
        await("the session-expired notice for the tab's old token", d -> "expired".equals(noticeReason()));
        assertTrue(text("notice").contains("session has expired"), text("notice"));

        open(newSheetId("not-created"), token("wes", "Wes", "viewer", Duration.ofHours(1)), false);
        await("the no-access notice: a viewer may not create a sheet", d -> "forbidden".equals(noticeReason()));
        assertTrue(text("notice").contains("may not create sheet"), text("notice"));
        assertEquals("closed", status());
    }

    @Test
    void anExpiredSessionSaysSoAndAFreshTokenResumesIt() throws Exception {
        Grid grid = newSheet("expiry", 1);
        // Accepted within the server's minute of clock leeway: the connection is closed with 4001 five seconds on.
        String expiring = token("tess", "Tess", "editor", Duration.ofSeconds(-55));

        open(grid.sheet(), expiring);

        await("the session-expired notice", d -> "expired".equals(noticeReason()), Duration.ofSeconds(20));
        assertEquals("closed", status());
        assertTrue(text("notice").contains("session has expired"), text("notice"));
        assertTrue(text("messages").contains("4001"), text("messages"));
        assertTrue(shown("sheet"), "the table stays, read-only");
        assertTrue(grid().getAttribute("class").contains("read-only"));
        assertEquals("", text("users"), "who was here when the page stopped is no longer known");
        staysClosed("expired");

        String fresh = token("tess", "Tess", "editor", Duration.ofHours(1));
        script("location.hash = 'token=' + arguments[0]", fresh);

        awaitStatus("open");
        assertFalse(shown("notice"));
        assertFalse(driver.getCurrentUrl().contains("token"));
        assertEquals(fresh, script("return sessionStorage.getItem('livegrid.token')"));
        edit(grid.row(), grid.col(), "after a fresh token");
        await("the server to have the edit", d -> "after a fresh token".equals(serverValueOrNull(grid)));
    }

    @Test
    void aFreshTokenPastedWhileOpenRenewsTheSessionOnTheSameConnection() throws Exception {
        Grid grid = newSheet("renew", 1);
        Instant closesAt = Instant.now().plusSeconds(10);
        open(grid.sheet(), token("rita", "Rita", "editor", Duration.ofSeconds(-50)));
        script("""
                window.statusChanges = [];
                const status = document.getElementById('status');
                new MutationObserver(() => window.statusChanges.push(status.dataset.status))
                    .observe(status, { attributes: true, attributeFilter: ['data-status'] });
                """);

        script("location.hash = 'token=' + arguments[0]", token("rita", "Rita", "editor", Duration.ofHours(1)));

        await("the page to say it signed in again", d -> text("messages").contains("Signed in again"));
        assertFalse(driver.getCurrentUrl().contains("token"));
        new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
                .withMessage(() -> "the page's status changed to " + status() + "; messages:\n" + text("messages"))
                .until(d -> {
                    assertEquals("open", status());
                    return Instant.now().isAfter(closesAt.plusSeconds(2));
                });
        assertEquals(List.of(), script("return window.statusChanges"), "the page reconnected");
        edit(grid.row(), grid.col(), "still here");
        await("the server to have the edit", d -> "still here".equals(serverValueOrNull(grid)));
    }

    // ---------------------------------------------------------------- helpers

    private record Grid(String sheet, String col, String row) {
    }

    /** A sheet owned by {@link #OWNER}, with one column and {@code rows} empty rows; the last row's id is returned. */
    private static Grid newSheet(String prefix, int rows) throws Exception {
        String sheet = newSheetId(prefix);
        try (SheetClient creator = new SheetClient().connect(server.webSocketUri("/sheets/" + sheet), Tokens.bearer(OWNER))) {
            creator.awaitWelcome();
        }
        String col = postOp(sheet, Json.createObjectBuilder().add("type", "addColumn").add("name", "Notes")).getString("col");
        String row = null;
        for (int i = 0; i < rows; i++) {
            row = postOp(sheet, Json.createObjectBuilder().add("type", "insertRow")).getString("row");
        }
        return new Grid(sheet, col, row);
    }

    private static String newSheetId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A token for {@code sub} with a name and a role on every sheet, expiring {@code validFor} from now (negative: in the past). */
    private static String token(String sub, String name, String role, Duration validFor) {
        return TOKENS.mint(b -> b.subject(sub).claim("name", name).claim("livegrid", Map.of("role", role))
                .expirationTime(Date.from(Instant.now().plus(validFor))));
    }

    private static String pageAddress(String sheet) {
        return server.baseUri().resolve("index.html?sheet=" + sheet).toString();
    }

    private static void open(String sheet, String token) {
        open(sheet, token, true);
    }

    /** Loads the page on {@code sheet} with {@code #token=…}, as a link from an identity provider would. */
    private static void open(String sheet, String token, boolean awaitOpen) {
        driver.get(pageAddress(sheet) + "#token=" + token);
        if (awaitOpen) {
            awaitStatus("open");
        }
    }

    private static HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + OWNER)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject postOp(String sheet, JsonObjectBuilder op) throws Exception {
        String body = op.add("id", "setup-" + UUID.randomUUID()).build().toString();
        HttpResponse<String> response = http("POST", "api/sheets/" + sheet + "/ops", body);
        assertEquals(200, response.statusCode(), "POST " + body + " answered " + response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonObject("op");
    }

    /** The owner sets {@code user}'s access-list entry (none, viewer, editor, owner). */
    private static void setAccess(String sheet, String user, String role) throws Exception {
        HttpResponse<String> response = http("PUT", "api/sheets/" + sheet + "/access/" + user, "{\"role\":\"" + role + "\"}");
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String serverValue(Grid grid) throws Exception {
        String value = serverValueOrNull(grid);
        assertTrue(value != null, "the server has no value in " + grid);
        return value;
    }

    private static String serverValueOrNull(Grid grid) {
        try {
            HttpResponse<String> response = http("GET", "api/sheets/" + grid.sheet(), null);
            assertEquals(200, response.statusCode(), response.body());
            JsonObject cell = Json.createReader(new StringReader(response.body())).readObject().getJsonArray("rows")
                    .getValuesAs(JsonObject.class).stream().filter(r -> r.getString("id").equals(grid.row()))
                    .findFirst().orElseThrow().getJsonObject("cells").getJsonObject(grid.col());
            return cell == null || cell.isNull("value") ? null : cell.getString("value");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }

    private static <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, condition, TIMEOUT);
    }

    private static <T> T await(String what, Function<WebDriver, T> condition, Duration timeout) {
        WebDriverWait waiting = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        waiting.ignoring(StaleElementReferenceException.class);
        return waiting.withMessage(() -> "waited for " + what + "; status " + status() + ", notice: " + text("notice")
                + "\nmessages:\n" + text("messages")).until(condition);
    }

    private static void awaitStatus(String expected) {
        await("#status to be " + expected, d -> expected.equals(status()));
    }

    /** After a final close the page stays closed: no reconnect turns the status to reconnecting or open. */
    private static void staysClosed(String reason) {
        Instant until = Instant.now().plusMillis(1500);
        await("1.5 s to pass with the page closed", d -> {
            assertEquals("closed", status(), "the page reconnects after the close");
            assertEquals(reason, noticeReason());
            return Instant.now().isAfter(until);
        });
    }

    private static String status() {
        return driver.findElement(By.id("status")).getAttribute("data-status");
    }

    private static String role() {
        WebElement role = driver.findElement(By.id("role"));
        return role.isDisplayed() ? role.getAttribute("data-role") : null;
    }

    private static String noticeReason() {
        WebElement notice = driver.findElement(By.id("notice"));
        return notice.isDisplayed() ? notice.getAttribute("data-reason") : null;
    }

    private static boolean shown(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getDomProperty("textContent");
    }

    private static WebElement grid() {
        return driver.findElement(By.id("grid"));
    }

    private static WebElement cell(String row, String col) {
        return driver.findElement(By.cssSelector("td[data-row='" + row + "'][data-col='" + col + "']"));
    }

    private static String cellValue(String row, String col) {
        return cell(row, col).findElement(By.className("cell-value")).getDomProperty("textContent");
    }

    private static void awaitCellValue(Grid grid, String value) {
        await("the cell to show '" + value + "'", d -> !d.findElements(By.cssSelector("td[data-row='" + grid.row()
                + "']")).isEmpty() && value.equals(cellValue(grid.row(), grid.col())));
    }

    private static List<WebElement> editors() {
        return driver.findElements(By.cssSelector(".cell-editor"));
    }

    /** Click, type, Enter, as in the none-mode suite. */
    private static void edit(String row, String col, String value) {
        cell(row, col).click();
        WebElement editor = await("an editor in the cell", d -> editors().stream().findFirst().orElse(null));
        editor.sendKeys(value, Keys.ENTER);
        await("the editor to close", d -> editors().isEmpty());
    }
}
