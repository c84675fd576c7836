package dev.livegrid.browser;

import com.sun.net.httpserver.HttpServer;
import dev.livegrid.config.Setting;
import dev.livegrid.standalone.LiveGridServer;
import dev.livegrid.support.TestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped pages under LiveGrid's Content-Security-Policy in headless Chromium: they load their
 * scripts and styles, connect their WebSockets and work, and the browser reports no violation; what
 * the policy forbids (an injected inline script, a frame on a site not named in frame-ancestors) is refused.
 */
class ContentSecurityPolicyBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static LiveGridServer server;
    private static HeadlessChromium browser;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void startServerAndBrowser() throws IOException {
        server = LiveGridServer.start(TestSettings.loopback());
        browser = HeadlessChromium.launch();
        driver = browser.driver();
        wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
    }

    @AfterAll
    static void stopBrowserAndServer() throws IOException {
        HeadlessChromium.closeWith(browser, server);
    }

    @BeforeEach
    void forgetEarlierMessages() {
        browser.consoleMessages();
    }

    @Test
    void theTableEditorLoadsConnectsAndIsStyledWithoutAViolation() {
        driver.get(server.baseUri().resolve("?sheet=csp-editor&name=Dora").toString());
        wait.until(d -> "open".equals(d.findElement(By.id("status")).getAttribute("data-status")));
        wait.until(d -> d.findElement(By.id("users")).getText().contains("Dora"));
        assertEquals("2", script("return String(document.styleSheets.length)"), "css/sheet.css and css/home.css are applied");
        assertEquals(List.of(), violations());
    }

    @Test
    void theEchoPageLoadsConnectsAndIsStyledWithoutAViolation() {
        driver.get(server.baseUri().resolve("echo.html").toString());
        driver.findElement(By.id("open")).click();
        wait.until(d -> d.findElement(By.id("log")).getText().contains("OPEN"));
        driver.findElement(By.id("send")).click();
        wait.until(d -> d.findElement(By.id("log")).getText().contains("RESPONSE: Hello world!"));
        assertEquals("none", script("return getComputedStyle(document.getElementById('log')).listStyleType"),
                "css/echo.css is applied");
        assertEquals(List.of(), violations());
    }

    @Test
    void anInlineScriptInjectedIntoThePageIsNotRun() {
        driver.get(server.baseUri().resolve("echo.html").toString());
        script("const s = document.createElement('script'); s.textContent = 'window.injected = true';"
                + " document.body.append(s); return null");
        assertEquals("undefined", script("return typeof window.injected"));
        List<String> violations = violations();
        assertTrue(violations.stream().anyMatch(m -> m.contains("script-src 'self'")), violations.toString());
    }

    @Test
    void onlyThePagesNamedInFrameAncestorsMayFrameLiveGrid() throws IOException {
        // A page of another origin (another port) with LiveGrid's echo page in a frame.
        HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (LiveGridServer framable = LiveGridServer.start(TestSettings.loopback().with(Setting.FRAME_ANCESTORS,
                "http://127.0.0.1:" + portal.getAddress().getPort()))) {
            portal.createContext("/", exchange -> {
                String target = exchange.getRequestURI().getQuery().equals("framable") ? framable.baseUri().toString()
                        : server.baseUri().toString();
                byte[] page = ("<!doctype html><title>portal</title><iframe src='" + target + "echo.html'></iframe>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            portal.start();
            String portalUrl = "http://127.0.0.1:" + portal.getAddress().getPort() + "/?";

            assertEquals("echo.html", framedPage(portalUrl + "framable"), "named in frame-ancestors: the frame shows the page");
            assertEquals("refused", framedPage(portalUrl + "default"), "'none' by default: the frame stays empty");
        } finally {
            portal.stop(0);
        }
    }

    /** Opens the portal page and says what its frame shows: LiveGrid's echo page, or an error page (refused). */
    private static String framedPage(String portalUrl) {
        driver.get(portalUrl);
        try {
            driver.switchTo().frame(0);
            return wait.until(d -> {
                String shown = script("return document.readyState === 'complete' ? location.href : null");
                return shown.endsWith("/echo.html") && !d.findElements(By.id("open")).isEmpty() ? "echo.html"
                        : shown.startsWith("chrome-error:") ? "refused" : null;
            });
        } finally {
            driver.switchTo().defaultContent();
        }
    }

    private static String script(String code) {
        return String.valueOf(((JavascriptExecutor) driver).executeScript(code));
    }

    /** The console messages of this test that report a Content-Security-Policy violation. */
    private static List<String> violations() {
        return browser.consoleMessages().stream().filter(m -> m.contains("Content Security Policy")).toList();
    }
}
