package dev.livegrid.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table editor ({@code index.html?sheet=…}) in one headless Chromium: one user. What the new
 * browser tests do with it — keys, clipboard events, the grid's cells — reads like what a person does.
 * Headless Chromium has no system clipboard, so copy and paste are synthetic {@code ClipboardEvent}s with
 * a {@code DataTransfer}, dispatched at the focused element as the browser would.
 */
final class GridPage implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    final String name;
    final HeadlessChromium browser;
    final WebDriver driver;
    final WebDriverWait wait;

    private GridPage(String name, HeadlessChromium browser) {
        this.name = name;
        this.browser = browser;
        this.driver = browser.driver();
        this.wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
        this.wait.ignoring(StaleElementReferenceException.class);
    }

    static GridPage launch(String name) throws IOException {
        return new GridPage(name, HeadlessChromium.launch());
    }

    @Override
    public void close() throws IOException {
        browser.close();
    }

    /** Loads the page on {@code sheet} as this user and waits until it is connected. */
    GridPage open(URI base, String sheet) {
        load(base, sheet);
        await("#status to be open", d -> "open".equals(status()));
        return this;
    }

    void load(URI base, String sheet) {
        driver.get(base.resolve("index.html?sheet=" + sheet + "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)).toString());
    }

    String status() {
        return driver.findElement(By.id("status")).getAttribute("data-status");
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, condition, TIMEOUT);
    }

    <T> T await(String what, Function<WebDriver, T> condition, Duration timeout) {
        WebDriverWait waiting = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        waiting.ignoring(StaleElementReferenceException.class);
        return waiting.withMessage(() -> name + "'s page: waited for " + what + "; messages:\n" + text("messages")
                + "\nlive: " + text("live")).until(condition);
    }

    Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getDomProperty("textContent");
    }

    boolean shown(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    // ---- cells

    WebElement cell(String row, String col) {
        return driver.findElement(cellSelector(row, col));
    }

    String cellValue(String row, String col) {
        return cell(row, col).findElement(By.className("cell-value")).getDomProperty("textContent");
    }

    void awaitCellValue(String row, String col, String value) {
        await("cell " + row + "/" + col + " to show '" + value + "'",
                d -> !d.findElements(cellSelector(row, col)).isEmpty() && value.equals(cellValue(row, col)));
    }

    boolean hasClass(WebElement element, String name) {
        return List.of(String.valueOf(element.getAttribute("class")).split(" ")).contains(name);
    }

    /** Rows rendered with cells (the grid renders the rows in view; small sheets are all in view). */
    int rowCount() {
        return rowIds().size();
    }

    @SuppressWarnings("unchecked")
    List<String> rowIds() {
        return (List<String>) script("return [...document.querySelectorAll('#grid-body tr[data-row]')].map(tr => tr.dataset.row)");
    }

    @SuppressWarnings("unchecked")
    List<String> columnIds() {
        return (List<String>) script("return [...document.querySelectorAll('#grid-head th[data-col]')].map(th => th.dataset.col)");
    }

    @SuppressWarnings("unchecked")
    List<String> columnNames() {
        return (List<String>) script("return [...document.querySelectorAll('#grid-head th[data-col]')].map(th => th.textContent)");
    }

    /** The focused editor of a cell. */
    WebElement editor(String row, String col) {
        return await("an editor in cell " + row + "/" + col, d -> {
            WebElement input = cell(row, col).findElements(By.cssSelector(".cell-editor")).stream().findFirst().orElse(null);
            return input != null && input.equals(d.switchTo().activeElement()) ? input : null;
        });
    }

    List<WebElement> editors() {
        return driver.findElements(By.cssSelector(".cell-editor"));
    }

    /** {row, col} of the focused cell, or null when the focus is not on a cell. */
    @SuppressWarnings("unchecked")
    Map<String, String> focusedCell() {
        return (Map<String, String>) script("const td = document.activeElement.closest('td[data-row]');"
                + " return td ? {row: td.dataset.row, col: td.dataset.col} : null;");
    }

    boolean focusInGrid() {
        return Boolean.TRUE.equals(script("return document.activeElement.closest('#grid') !== null"));
    }

    /** The values of the selected cells, row by row. */
    @SuppressWarnings("unchecked")
    List<String> selectedValues() {
        return (List<String>) script("return [...document.querySelectorAll('#grid td[aria-selected=true] .cell-value')].map(e => e.textContent)");
    }

    /** Click, type, Enter: a click opens the editor with the old text selected, so typing replaces it. */
    void edit(String row, String col, String value) {
        cell(row, col).click();
        editor(row, col).sendKeys(value, org.openqa.selenium.Keys.ENTER);
        await("the editor in " + row + "/" + col + " to close", d -> editors().isEmpty());
    }

    /** Keys as typed at whatever has the focus. */
    void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** A key pressed with modifiers held (e.g. Keys.CONTROL, Keys.SHIFT then "z"). */
    void chord(CharSequence... keys) {
        Actions actions = new Actions(driver);
        for (int i = 0; i < keys.length - 1; i++) {
            actions.keyDown(keys[i]);
        }
        actions.sendKeys(keys[keys.length - 1]);
        for (int i = keys.length - 2; i >= 0; i--) {
            actions.keyUp(keys[i]);
        }
        actions.perform();
    }

    // ---- the clipboard

    /** A paste of {@code text} (text/plain) at the focused element, as Ctrl+V would dispatch it. */
    void paste(String text) {
        script("const data = new DataTransfer(); data.setData('text/plain', arguments[0]);"
                + " document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));",
                text);
    }

    /** A copy (or cut) at the focused element; returns what the page put on the clipboard, by type. */
    @SuppressWarnings("unchecked")
    Map<String, String> copy(String type) {
        return (Map<String, String>) script("const data = new DataTransfer();"
                + " const event = new ClipboardEvent(arguments[0], {clipboardData: data, bubbles: true, cancelable: true});"
                + " document.activeElement.dispatchEvent(event);"
                + " return {plain: data.getData('text/plain'), html: data.getData('text/html'), handled: String(event.defaultPrevented)};",
                type);
    }

    // ---- the browser around the page

    /** prefers-color-scheme as the page sees it: "dark" or "light". */
    void colorScheme(String scheme) {
        ((ChromiumDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    void windowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    void assertAccessible(String state) {
        AxeCheck.assertNoSeriousViolations(driver, state);
    }

    void screenshot(String name) {
        Screenshots.take(driver, name);
    }

    static By cellSelector(String row, String col) {
        return By.cssSelector("td[data-row='" + row + "'][data-col='" + col + "']");
    }
}
