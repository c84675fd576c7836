package dev.livegrid.browser;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * axe-core (npm, {@code node_modules/axe-core/axe.min.js}, installed by {@code .ci/install-test-deps.sh})
 * run inside the page the browser shows: the WCAG 2 A and AA rules and axe's best practices. The script
 * is evaluated through the driver, which the page's Content-Security-Policy does not govern, so the
 * page under test stays exactly as served.
 */
public final class AxeCheck {

    private static final Path AXE = Path.of("node_modules", "axe-core", "axe.min.js");

    private AxeCheck() {
    }

    /** Every violation of impact {@code serious} or {@code critical} on the page as it is now, one line each. */
    public static List<String> seriousViolations(WebDriver driver) {
        String axe;
        try {
            axe = Files.readString(AXE);
        } catch (IOException e) {
            return fail(AXE.toAbsolutePath() + " is missing: run .ci/install-test-deps.sh (npm ci) first", e);
        }
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axe);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
                        + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        + " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
                        + ".catch(e => done([{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}]));");
        List<String> serious = new ArrayList<>();
        for (Map<String, Object> v : violations) {
            if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
                serious.add(v.get("impact") + " " + v.get("id") + ": " + v.get("help") + " at " + v.get("nodes"));
            }
        }
        return serious;
    }

    /** Fails naming every serious or critical violation on the page as it is now. */
    public static void assertNoSeriousViolations(WebDriver driver, String state) {
        List<String> found = seriousViolations(driver);
        assertEquals(List.of(), found, "axe-core found serious accessibility problems on the page " + state);
    }
}
