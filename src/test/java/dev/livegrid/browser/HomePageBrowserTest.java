package dev.livegrid.browser;

import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import dev.livegrid.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The home page ({@code index.html} without {@code ?sheet=}, {@code js/home-page.js}) in headless
 * Chromium against standalone servers: the list of sheets, creating a sheet by name, importing a CSV
 * file, deleting with a confirmation, the empty and error states, a server with {@code auth=token}, and
 * accessibility (axe-core) and layout at 1280, 768 and 400 pixels, light and dark. Every test makes
 * sheets of its own with fresh ids. Screenshots of each state go to {@code /tmp/livegrid-shots}
 * (outside the checkout) for people to look at; nothing compares them.
 */
class HomePageBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path SHOTS = Path.of("/tmp/livegrid-shots");
    private static final Tokens TOKENS = Tokens.hs256();
    /** Creates the signed-in server's shared sheets, so it owns them. */
    private static final String OWNER = TOKENS.withRole("olga", "editor");

    /** auth none; the tests share it, so each looks only at its own sheets. */
    private static LiveGridServer server;
    /** auth token. */
    private static LiveGridServer signedIn;
    private static HttpClient http;
    private static HeadlessChromium browser;
    private static WebDriver driver;
    private static Path files;

    @BeforeAll
    static void startServersAndBrowser() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        signedIn = LiveGridServer.start(TestSettings.loopback().with(Map.of(
                Setting.AUTH, "token", Setting.TOKEN_SECRET, Tokens.SECRET)));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        browser = HeadlessChromium.launch();
        driver = browser.driver();
        files = Files.createTempDirectory("livegrid-home-");
    }

    @AfterAll
    static void stopBrowserAndServers() throws IOException {
        try {
            HeadlessChromium.closeWith(browser, server);
        } finally {
            if (signedIn != null) {
                signedIn.close();
            }
            if (files != null) {
                try (Stream<Path> all = Files.walk(files)) {
                    all.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    /** Each test starts wide, light, and without a token in either server's tab storage. */
    @BeforeEach
    void wideLightAndSignedOut() {
        viewport(1280, 900);
        colorScheme("light");
        for (LiveGridServer each : List.of(server, signedIn)) {
            driver.get(each.baseUri().resolve("css/home.css").toString());
            script("sessionStorage.clear()");
        }
    }

    /** The page keeps to its Content-Security-Policy: a violation is reported on the console. */
    @AfterEach
    void noPolicyViolations() {
        List<String> violations = browser.consoleMessages().stream()
                .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
        assertEquals(List.of(), violations, "the page broke its Content-Security-Policy");
    }

    // ---------------------------------------------------------------- the list

    @Test
    void theListShowsSheetsWithTheirSizesNewestFirst() throws Exception {
        String older = newId("older");
        String newer = newId("newer");
        assertEquals(201, importCsv(server, older, "a,b,c\n1,2,3\n4,5,6\n", null).statusCode());
        assertEquals(201, importCsv(server, newer, "only\nx\n", null).statusCode());
        JsonObject listed = listing(server, null).get(older);

        openHome(server);

        WebElement row = row(older);
        assertEquals("2", row.getDomAttribute("data-rows"));
        assertEquals("3", row.getDomAttribute("data-columns"));
        assertEquals("1", row.getDomAttribute("data-version"));
        assertEquals("2\u00a0rows \u00d7 3\u00a0columns", text(row.findElement(By.className("sheet-size"))));
        assertEquals("1", text(row.findElement(By.className("sheet-version"))));
        WebElement time = row.findElement(By.cssSelector("time.sheet-updated"));
        assertEquals(listed.getString("updated"), time.getDomAttribute("datetime"));
        assertFalse(text(time).contains("T"), "the time is shown for people, not as ISO: " + text(time));
        WebElement link = row.findElement(By.className("sheet-link"));
        assertEquals(older, text(link));
        assertEquals("?sheet=" + older, link.getDomAttribute("href"));
        WebElement export = row.findElement(By.className("sheet-export"));
        assertEquals("api/sheets/" + older + ".csv", export.getDomAttribute("href"));
        assertEquals(older + ".csv", export.getDomAttribute("download"));
        List<String> order = listedIds();
        assertTrue(order.indexOf(newer) < order.indexOf(older), "newest change first: " + order);
        assertTrue(displayed("demo-offer") != order.contains("demo"), "demo is offered exactly when it is not listed");

        AxeCheck.assertNoSeriousViolations(driver, "with a list of sheets");
        shot("list");

        link.click();
        await("the sheet page for " + older, d -> d.getCurrentUrl().endsWith("?sheet=" + older)
                && d.findElement(By.id("sheet-ui")).isDisplayed());
    }

    @Test
    void everyWidthAndSchemeFitsAndPassesAxe() throws Exception {
        String longId = newId("a-rather-long-sheet-name-that-keeps-going-and-going"); // 62 characters
        assertEquals(201, importCsv(server, longId, "x\n1\n", null).statusCode());
        for (String scheme : List.of("light", "dark")) {
            colorScheme(scheme);
            for (int width : new int[] {1280, 768, 400}) {
                viewport(width, 900);
                openHome(server);
                assertTrue(displayed(row(longId)), "the long id's row at " + width);
                long overflow = (Long) script("return document.documentElement.scrollWidth - window.innerWidth");
                assertTrue(overflow <= 0, "the page scrolls sideways by " + overflow + " px at " + width + " px, " + scheme);
                AxeCheck.assertNoSeriousViolations(driver, "at " + width + " px, " + scheme);
                shot("list-" + width + "-" + scheme);
            }
        }
    }

    @Test
    void aFreshServerShowsTheEmptyStateAndAnUnreachableOneAnError() throws Exception {
        LiveGridServer fresh = LiveGridServer.start(TestSettings.loopback());
        try {
            openHome(fresh);
            assertEquals("empty", state());
            assertTrue(text("sheets-message").startsWith("No sheets yet"), text("sheets-message"));
            assertEquals("empty", driver.findElement(By.id("sheets-message")).getDomAttribute("data-kind"));
            assertFalse(displayed("sheets"), "an empty table is shown");
            WebElement demo = driver.findElement(By.cssSelector("#demo-offer a.sheet-link"));
            assertTrue(demo.isDisplayed(), "demo is offered");
            assertEquals("?sheet=demo", demo.getDomAttribute("href"));
            AxeCheck.assertNoSeriousViolations(driver, "in its empty state");
            shot("empty");
            colorScheme("dark");
            AxeCheck.assertNoSeriousViolations(driver, "in its empty state, dark");
            shot("empty-dark");
            colorScheme("light");
        } finally {
            fresh.close();
        }

        driver.findElement(By.id("sheets-refresh")).click();

        await("the error state", d -> "error".equals(state()));
        assertTrue(text("sheets-message").contains("Cannot reach the LiveGrid server"), text("sheets-message"));
        assertTrue(displayed("sheets-retry"), "no way to try again");
        AxeCheck.assertNoSeriousViolations(driver, "when the server is down");
        shot("server-down");
    }

    // ---------------------------------------------------------------- create

    @Test
    void creatingASheetByNameOpensItAndThenItIsListed() throws Exception {
        String id = newId("made");
        openHome(server);

        type("create-id", id);
        driver.findElement(By.id("create-submit")).click();

        await("the new sheet's page", d -> d.getCurrentUrl().equals(server.baseUri() + "?sheet=" + id)
                && d.findElement(By.id("sheet-ui")).isDisplayed());
        await("the server to list " + id, d -> listingOrEmpty(server).containsKey(id));
        openHome(server);
        assertTrue(displayed(row(id)), id + " is not in the list");
    }

    @Test
    void anInvalidNameIsExplainedWithASuggestionAndNothingIsCreated() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        openHome(server);

        type("create-id", "Q3 budget " + suffix);
        driver.findElement(By.id("create-submit")).click();

        WebElement message = driver.findElement(By.id("create-message"));
        assertEquals("invalid", message.getDomAttribute("data-kind"));
        assertTrue(text(message).contains("may not contain spaces"), text(message));
        assertEquals("true", driver.findElement(By.id("create-id")).getDomAttribute("aria-invalid"));
        assertEquals("create-id", driver.switchTo().activeElement().getDomAttribute("id"), "focus goes back to the field");
        assertEquals(server.baseUri().toString(), driver.getCurrentUrl(), "nothing was opened");
        WebElement suggestion = driver.findElement(By.id("create-suggestion"));
        String slug = "Q3-budget-" + suffix;
        assertEquals(slug, suggestion.getDomAttribute("data-id"));
        assertEquals(404, get(server, "api/sheets/" + slug, null).statusCode(), "a sheet was created");
        AxeCheck.assertNoSeriousViolations(driver, "explaining an invalid name");
        shot("invalid-name");

        suggestion.click();
        assertEquals(slug, driver.findElement(By.id("create-id")).getDomProperty("value"));
        assertEquals("", text("create-message"), "the explanation stays after the fix");
        assertEquals("false", driver.findElement(By.id("create-id")).getDomAttribute("aria-invalid"));

        type("create-id", "x".repeat(65));
        driver.findElement(By.id("create-submit")).click();
        assertTrue(text("create-message").contains("at most 64 characters"), text("create-message"));
        type("create-id", "");
        driver.findElement(By.id("create-submit")).click();
        assertTrue(text("create-message").contains("Type a name"), text("create-message"));
        assertEquals(server.baseUri().toString(), driver.getCurrentUrl());
    }

    @Test
    void anExistingNameIsOfferedToOpen() throws Exception {
        String id = newId("taken");
        openHome(server);
        // Made after the page listed the sheets: the page asks the server rather than trusting its list.
        assertEquals(201, importCsv(server, id, "a\n1\n", null).statusCode());

        type("create-id", id);
        driver.findElement(By.id("create-submit")).click();

        await("the already-exists message", d -> "exists".equals(d.findElement(By.id("create-message")).getDomAttribute("data-kind")));
        assertTrue(text("create-message").contains("already exists"), text("create-message"));
        assertEquals("?sheet=" + id, driver.findElement(By.id("create-open")).getDomAttribute("href"));
        assertEquals(server.baseUri().toString(), driver.getCurrentUrl());
    }

    // ---------------------------------------------------------------- import

    @Test
    void aCsvFileBecomesANewSheetNamedAfterIt() throws Exception {
        String stem = "Guest list " + UUID.randomUUID().toString().substring(0, 8);
        Path csv = file(stem + ".csv", "name,age,city\nMing,18,Beijing\n\"Hong, Jr.\",17,\n");
        String id = stem.replace(' ', '-');
        openHome(server);

        driver.findElement(By.id("import-file")).sendKeys(csv.toString());
        await("the sheet name taken from the file's name", d -> id.equals(d.findElement(By.id("import-id")).getDomProperty("value")));
        shot("import-chosen");
        driver.findElement(By.id("import-submit")).click();

        await("the imported sheet's page", d -> d.getCurrentUrl().endsWith("?sheet=" + id));
        JsonObject sheet = json(get(server, "api/sheets/" + id, null));
        assertEquals(List.of("name", "age", "city"), sheet.getJsonArray("columns").getValuesAs(JsonObject.class).stream()
                .map(c -> c.getString("name")).toList());
        assertEquals(2, sheet.getJsonArray("rows").size());
        String csvBack = get(server, "api/sheets/" + id + ".csv", null).body();
        assertEquals("name,age,city\r\nMing,18,Beijing\r\n\"Hong, Jr.\",17,\r\n", csvBack);
    }

    @Test
    void aRetriedImportResendsTheSameKeyAndIsAppliedOnce() throws Exception {
        String id = newId("retried");
        Path csv = file(id + ".csv", "k,v\na,1\nb,2\n");
        openHome(server);
        // The first answer is lost after the server applied the import, as on a dropped connection.
        script("""
                const realFetch = window.fetch;
                window.fetch = async (url, init) => {
                    if (!String(url).endsWith('/import')) {
                        return realFetch(url, init);
                    }
                    const calls = JSON.parse(sessionStorage.getItem('importCalls') || '[]');
                    calls.push({ key: init.headers['Idempotency-Key'], type: init.headers['Content-Type'] });
                    sessionStorage.setItem('importCalls', JSON.stringify(calls));
                    const response = await realFetch(url, init);
                    if (calls.length === 1) {
                        throw new TypeError('Failed to fetch');
                    }
                    return response;
                };
                """);

        driver.findElement(By.id("import-file")).sendKeys(csv.toString());
        driver.findElement(By.id("import-submit")).click();
        await("the lost answer to be explained", d -> "error".equals(d.findElement(By.id("import-message")).getDomAttribute("data-kind")));
        assertTrue(text("import-message").contains("never imported twice"), text("import-message"));
        driver.findElement(By.id("import-submit")).click();

        await("the imported sheet's page", d -> d.getCurrentUrl().endsWith("?sheet=" + id));
        List<JsonObject> calls = Json.createReader(new StringReader((String) script("return sessionStorage.getItem('importCalls')")))
                .readArray().getValuesAs(JsonObject.class);
        assertEquals(2, calls.size());
        assertEquals(calls.get(0).getString("key"), calls.get(1).getString("key"), "the retry sent another key");
        assertTrue(calls.get(0).getString("key").matches("import-[0-9a-f]{24}"), calls.get(0).toString());
        assertEquals("text/csv", calls.get(0).getString("type"));
        JsonObject sheet = json(get(server, "api/sheets/" + id, null));
        assertEquals(1, sheet.getInt("version"), "applied once");
        assertEquals(2, sheet.getJsonArray("rows").size());
    }

    @Test
    void aRefusedFileShowsTheServersMessageAndCreatesNothing() throws Exception {
        String id = newId("bad");
        String bad = "a,b\n1,2,3\n";
        String serverSays = json(importCsv(server, newId("probe"), bad, null)).getString("message");
        Path csv = file(id + ".csv", bad);
        openHome(server);

        driver.findElement(By.id("import-file")).sendKeys(csv.toString());
        driver.findElement(By.id("import-submit")).click();

        WebElement message = await("the refusal", d -> {
            WebElement m = d.findElement(By.id("import-message"));
            return "refused".equals(m.getDomAttribute("data-kind")) ? m : null;
        });
        assertEquals("bad-csv", message.getDomAttribute("data-code"));
        assertTrue(text(message).contains(serverSays), "'" + text(message) + "' lacks the server's '" + serverSays + "'");
        assertEquals(404, get(server, "api/sheets/" + id, null).statusCode(), "a refused file created a sheet");
        assertEquals(server.baseUri().toString(), driver.getCurrentUrl());
        AxeCheck.assertNoSeriousViolations(driver, "showing a refused import");
        shot("import-refused");

        String full = newId("full");
        assertEquals(201, importCsv(server, full, "a\n1\n", null).statusCode());
        type("import-id", full);
        driver.findElement(By.id("import-file")).sendKeys(file("good.csv", "x\n1\n").toString());
        assertEquals(full, driver.findElement(By.id("import-id")).getDomProperty("value"), "a typed name is kept");
        driver.findElement(By.id("import-submit")).click();
        await("the not-empty refusal", d -> "not-empty".equals(d.findElement(By.id("import-message")).getDomAttribute("data-code")));
        assertTrue(text("import-message").contains("already has data; choose another name"), text("import-message"));
        assertEquals("?sheet=" + full, driver.findElement(By.id("import-open")).getDomAttribute("href"));
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteAsksFirstThenRemovesTheSheet() throws Exception {
        String id = newId("doomed");
        assertEquals(201, importCsv(server, id, "a,b,c\n1,2,3\n4,5,6\n", null).statusCode());
        openHome(server);

        deleteButton(id).click();
        Alert confirm = new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.alertIsPresent());
        assertTrue(confirm.getText().contains("\"" + id + "\"") && confirm.getText().contains("2\u00a0rows \u00d7 3\u00a0columns"),
                "the confirmation names the sheet and its size: " + confirm.getText());
        confirm.dismiss();
        assertTrue(displayed(row(id)), "a dismissed confirmation deleted the sheet");
        assertEquals(200, get(server, "api/sheets/" + id, null).statusCode());

        deleteButton(id).click();
        new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.alertIsPresent()).accept();

        await("the row to go", d -> d.findElements(rowSelector(id)).isEmpty());
        assertEquals("Deleted sheet " + id + ".", text("home-status"));
        assertEquals("ok", driver.findElement(By.id("home-status")).getDomAttribute("data-kind"));
        assertEquals(404, get(server, "api/sheets/" + id, null).statusCode());
        AxeCheck.assertNoSeriousViolations(driver, "after a delete");
        shot("deleted");

        String gone = newId("gone");
        assertEquals(201, importCsv(server, gone, "a\n1\n", null).statusCode());
        openHome(server);
        assertEquals(204, send(server, "DELETE", "api/sheets/" + gone, null).statusCode());
        deleteButton(gone).click();
        new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.alertIsPresent()).accept();
        await("the row of a sheet deleted meanwhile to go", d -> d.findElements(rowSelector(gone)).isEmpty());
        assertEquals("Sheet " + gone + " was already gone.", text("home-status"));
    }

    // ---------------------------------------------------------------- signed in

    @Test
    void withoutATokenTheHomePageAsksToSignIn() throws IOException {
        openHome(signedIn, null);

        assertEquals("sign-in", state());
        WebElement notice = driver.findElement(By.id("home-notice"));
        assertTrue(notice.isDisplayed());
        assertEquals("sign-in", notice.getDomAttribute("data-reason"));
        assertTrue(text(notice).contains("Sign-in required"), text(notice));
        assertTrue(text(notice).contains(signedIn.baseUri() + "#token=YOUR-TOKEN"), text(notice));
        assertFalse(displayed("sheets-section"), "a list is shown without a sign-in");
        assertFalse(displayed("create-section"));
        assertFalse(displayed("home-identity"));
        AxeCheck.assertNoSeriousViolations(driver, "asking to sign in");
        shot("sign-in");

        driver.get(signedIn.baseUri() + "#token=not-a-jwt");
        await("the refused-token notice", d -> "token-refused".equals(d.findElement(By.id("home-notice")).getDomAttribute("data-reason")));
        assertTrue(text("home-notice").contains("not a signed JWT"), text("home-notice"));
        assertFalse(driver.getCurrentUrl().contains("token"), "the token stays in the address bar");
    }

    @Test
    void signedInTheListHasOnlyWhatTheTokenAllowsAndTheTokenGoesWithEveryRequest() throws Exception {
        String mine = newId("mine");
        String theirs = newId("theirs");
        String made = newId("made-by-sue");
        assertEquals(201, importCsv(signedIn, mine, "a\n1\n", OWNER).statusCode());
        assertEquals(201, importCsv(signedIn, theirs, "a\n1\n", OWNER).statusCode());
        String sue = TOKENS.mint(b -> b.subject("sue").claim("name", "Sue S.")
                .claim("livegrid", Map.of("sheets", Map.of(mine, "editor", made, "editor")))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))));

        openHome(signedIn, sue);

        assertEquals(signedIn.baseUri().toString(), driver.getCurrentUrl(), "the token is taken out of the address bar");
        assertEquals("Sue S.", text("home-user"));
        assertTrue(displayed("home-identity"));
        assertEquals(List.of(mine), listedIds(), "the list has exactly the sheets Sue may read");
        for (WebElement link : driver.findElements(By.cssSelector("a.sheet-link"))) {
            assertFalse(link.getDomAttribute("href").contains("token"), link.getDomAttribute("href"));
        }
        assertFalse(driver.getPageSource().contains(sue), "the token is in the page");
        AxeCheck.assertNoSeriousViolations(driver, "signed in");

        // An editor, not an owner: the server says no, and the page explains it.
        deleteButton(mine).click();
        new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.alertIsPresent()).accept();
        await("the refusal", d -> "error".equals(d.findElement(By.id("home-status")).getDomAttribute("data-kind")));
        assertTrue(text("home-status").contains("You may not delete sheet " + mine), text("home-status"));
        assertTrue(text("home-status").contains("Only an owner"), text("home-status"));
        assertTrue(displayed(row(mine)));
        assertEquals(200, get(signedIn, "api/sheets/" + mine, OWNER).statusCode());
        shot("delete-refused");

        // Importing makes Sue the owner of the new sheet; her token comes along from the tab's storage.
        driver.findElement(By.id("import-file")).sendKeys(file("people.csv", "n\n1\n").toString());
        type("import-id", made);
        driver.findElement(By.id("import-submit")).click();
        await("the imported sheet's page", d -> d.getCurrentUrl().equals(signedIn.baseUri() + "?sheet=" + made));
        openHome(signedIn, null);
        assertEquals(Set.of(mine, made), Set.copyOf(listedIds()));
        deleteButton(made).click();
        new WebDriverWait(driver, TIMEOUT).until(ExpectedConditions.alertIsPresent()).accept();
        await("the row to go", d -> d.findElements(rowSelector(made)).isEmpty());
        assertEquals(404, get(signedIn, "api/sheets/" + made, OWNER).statusCode());

        // A plain link cannot carry the token: the export is fetched with it.
        row(mine).findElement(By.className("sheet-export")).click();
        await("the export", d -> text("home-status").startsWith("Exported sheet " + mine));
    }

    // ---------------------------------------------------------------- helpers

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static void openHome(LiveGridServer on) {
        openHome(on, null);
    }

    /** Loads the home page (with {@code #token=…} when a token is given) and waits for its first answer. */
    private static void openHome(LiveGridServer on, String token) {
        driver.get(on.baseUri() + (token == null ? "" : "#token=" + token));
        await("the home page to load its list", d -> {
            String state = state();
            return state != null && !state.equals("loading");
        });
    }

    private static String state() {
        return driver.findElement(By.id("home")).getDomAttribute("data-state");
    }

    private static By rowSelector(String id) {
        return By.cssSelector("#sheets-body tr[data-sheet='" + id + "']");
    }

    private static WebElement row(String id) {
        return await("the row of " + id, d -> d.findElements(rowSelector(id)).stream().findFirst().orElse(null));
    }

    private static WebElement deleteButton(String id) {
        return row(id).findElement(By.cssSelector("button.sheet-delete"));
    }

    private static List<String> listedIds() {
        return driver.findElements(By.cssSelector("#sheets-body tr[data-sheet]")).stream()
                .map(tr -> tr.getDomAttribute("data-sheet")).toList();
    }

    private static void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
    }

    private static String text(String id) {
        return text(driver.findElement(By.id(id)));
    }

    private static String text(WebElement element) {
        return element.getDomProperty("textContent");
    }

    private static boolean displayed(String id) {
        return displayed(driver.findElement(By.id(id)));
    }

    private static boolean displayed(WebElement element) {
        return element.isDisplayed();
    }

    private static Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }

    private static <T> T await(String what, Function<WebDriver, T> condition) {
        WebDriverWait waiting = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
        waiting.ignoring(StaleElementReferenceException.class);
        return waiting.withMessage(() -> "waited for " + what + "; home state " + safely(HomePageBrowserTest::state)
                + ", status: " + safely(() -> text("home-status")) + ", list: " + safely(() -> text("sheets-message"))
                + ", console: " + browser.consoleMessages()).until(condition);
    }

    private static String safely(java.util.function.Supplier<String> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    /** The page's viewport, exactly (a window's size would include its frame and has a minimum width). */
    private static void viewport(int width, int height) {
        ((HasCdp) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    private static void colorScheme(String scheme) {
        ((HasCdp) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** The whole page as it is now, into /tmp/livegrid-shots/home-{name}.png (not the checkout). */
    private static void shot(String name) throws IOException {
        int width = ((Long) script("return window.innerWidth")).intValue();
        int height = ((Long) script("return Math.max(document.documentElement.scrollHeight, 600)")).intValue();
        viewport(width, height);
        try {
            Files.createDirectories(SHOTS);
            Files.write(SHOTS.resolve("home-" + name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            viewport(width, 900);
        }
    }

    private static Path file(String name, String content) throws IOException {
        Path directory = Files.createTempDirectory(files, "csv");
        return Files.writeString(directory.resolve(name), content);
    }

    private static HttpResponse<String> importCsv(LiveGridServer on, String id, String csv, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.baseUri().resolve("api/sheets/" + id + "/import"))
                .timeout(TIMEOUT).header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(LiveGridServer on, String path, String token) throws Exception {
        return send(on, "GET", path, token);
    }

    private static HttpResponse<String> send(LiveGridServer on, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.baseUri().resolve(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** The server's listing by id. */
    private static Map<String, JsonObject> listing(LiveGridServer on, String token) throws Exception {
        HttpResponse<String> response = get(on, "api/sheets", token);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).getJsonArray("sheets").getValuesAs(JsonObject.class).stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.getString("id"), s -> s));
    }

    private static Map<String, JsonObject> listingOrEmpty(LiveGridServer on) {
        try {
            return listing(on, null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
