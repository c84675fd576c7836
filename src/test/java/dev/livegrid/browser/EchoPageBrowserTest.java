package dev.livegrid.browser;

import dev.livegrid.support.TestSettings;
import dev.livegrid.config.Settings;
import dev.livegrid.standalone.LiveGridServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives {@code echo.html} in Debian's headless Chromium against a running standalone server. */
class EchoPageBrowserTest {

    private static final String MARKUP = "<img src=x onerror=alert(1)>";

    private static LiveGridServer server;
    private static HeadlessChromium browser;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startServerAndBrowser() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        browser = HeadlessChromium.launch();
        driver = browser.driver();
        wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
    }

    @AfterAll
    static void stopBrowserAndServer() throws IOException {
        HeadlessChromium.closeWith(browser, server);
    }

    @BeforeEach
    void openTheEchoPageAndConnect() {
        driver.get(server.baseUri().resolve("echo.html").toString());
        driver.findElement(By.id("open")).click();
        logLine("OPEN");
    }

    @Test
    void echoPageShowsTheServersResponse() {
        driver.findElement(By.id("send")).click();

        assertEquals("RESPONSE: Hello world!", logLine("RESPONSE: ").getText());
    }

    @Test
    void markupInAMessageIsShownAsText() {
        WebElement input = driver.findElement(By.id("message"));
        input.clear();
        input.sendKeys(MARKUP);
        driver.findElement(By.id("send")).click();

        assertEquals("RESPONSE: " + MARKUP, logLine("RESPONSE: ").getDomProperty("textContent"));
        assertTrue(driver.findElements(By.cssSelector("#log img")).isEmpty(), "the message became an <img> element");
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert(), "the message ran a script");
    }

    @Test
    void closeIsLogged() {
        driver.findElement(By.id("close")).click();

        String close = logLine("CLOSE: ").getText();
        assertTrue(close.startsWith("CLOSE: 1000"), close);
    }

    /** Waits for the first log line that starts with {@code prefix}. */
    private static WebElement logLine(String prefix) {
        return wait.withMessage(() -> "a log line starting with '" + prefix + "'; the log shows:\n"
                        + driver.findElement(By.id("log")).getText())
                .until(d -> d.findElements(By.cssSelector("#log > li")).stream()
                        .filter(line -> line.getText().startsWith(prefix))
                        .findFirst().orElse(null));
    }
}
