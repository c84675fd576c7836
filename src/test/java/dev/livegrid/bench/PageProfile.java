package dev.livegrid.bench;

import dev.livegrid.browser.HeadlessChromium;
import dev.livegrid.client.LiveGridClient;
import dev.livegrid.support.StandaloneProcess;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The table editor on a big sheet in headless Chromium (docs/PERFORMANCE.md, "The table editor on a
 * big sheet"), for each standalone jar given — this build's and a peer's, e.g. the page before rows
 * were virtualised — on the same sheet, in the same run:
 * <ol>
 *   <li><b>open</b>: from the welcome's arrival on the page's socket to the first paint with the
 *       sheet's cells in it (the page's own code is not asked: a script added before the page's
 *       wraps {@code WebSocket} and watches the DOM, so any version of the page is measured alike);</li>
 *   <li><b>scroll</b>: the grid scrolled by a fixed step every animation frame, down and back, for a
 *       few seconds; frame times from {@code requestAnimationFrame};</li>
 *   <li><b>type</b>: a cell editor open, one key every 100 ms, while another client sends 100 edits a
 *       second, half to rows on screen and half anywhere; the Event Timing API's key and input
 *       events over 16 ms, long tasks, and frame times.</li>
 * </ol>
 * Usage: {@code PageProfile ROWS COLS SECONDS label=standalone.jar …}; prints one JSON line per jar.
 * {@code bench/page.sh} builds the jars and runs it.
 */
public final class PageProfile {

    /** Added to every document before its own scripts: the measurements, whatever the page. */
    private static final String PROBE = """
            window.__lg = { welcome: null, firstScreen: null, events: [], longtasks: [] };
            const NativeSocket = window.WebSocket;
            window.WebSocket = class extends NativeSocket {
                constructor(...args) {
                    super(...args);
                    this.addEventListener('message', (e) => {
                        if (__lg.welcome === null && typeof e.data === 'string' && e.data.startsWith('{"type":"welcome"')) {
                            __lg.welcome = performance.now();
                            const check = () => {
                                const cell = document.querySelector('[role=gridcell], #grid td');
                                if (cell && cell.textContent.trim() !== '') {
                                    requestAnimationFrame(() => { __lg.firstScreen = performance.now(); });
                                } else {
                                    requestAnimationFrame(check);
                                }
                            };
                            requestAnimationFrame(check);
                        }
                    });
                }
            };
            try {
                new PerformanceObserver((list) => list.getEntries().forEach((e) =>
                    __lg.events.push({ name: e.name, duration: e.duration, start: e.startTime })))
                    .observe({ type: 'event', durationThreshold: 16, buffered: true });
                new PerformanceObserver((list) => list.getEntries().forEach((e) =>
                    __lg.longtasks.push({ start: e.startTime, duration: e.duration })))
                    .observe({ type: 'longtask', buffered: true });
            } catch (e) { /* an engine without these entry types: the other figures still come */ }
            """;

    /** Frame times while the grid scrolls by {@code step} pixels a frame, down to the end and back. */
    private static final String SCROLL = """
            const [seconds, step, done] = arguments;
            const box = document.getElementById('grid-scroll') || document.scrollingElement;
            const frames = [];
            let last = null, direction = 1;
            const end = performance.now() + seconds * 1000;
            const frame = (now) => {
                if (last !== null) frames.push(now - last);
                last = now;
                if (now > end) { done({ frames, rowsInDom: document.querySelectorAll('#grid tr, [role=row]').length }); return; }
                box.scrollTop += direction * step;
                if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) direction = -1;
                if (box.scrollTop <= 0) direction = 1;
                requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
            """;

    /**
     * A typist inside the page: a key every 100 ms into the open cell editor (its value grows and an
     * {@code input} event fires, as for a real key), for {@code seconds}; each key's lag is how late
     * its turn came — how long the page's main thread kept the key waiting — with frame times and
     * long tasks over the same span. In the page rather than through the driver, whose calls wait on
     * a busy page and would stretch the very gaps being measured.
     */
    private static final String TYPE = """
            const seconds = arguments[0];
            window.__typed = null;
            const done = (result) => { window.__typed = result; };
            const editor = document.activeElement;
            const lags = [], frames = [];
            let last = null, stop = false, n = 0;
            const frame = (now) => { if (last !== null) frames.push(now - last); last = now; if (!stop) requestAnimationFrame(frame); };
            requestAnimationFrame(frame);
            const start = performance.now();
            const key = () => {
                n++;
                lags.push(performance.now() - (start + n * 100));
                if (editor && 'value' in editor) {
                    editor.value += String.fromCharCode(97 + n % 26);
                    editor.dispatchEvent(new Event('input', { bubbles: true }));
                }
                if (performance.now() - start >= seconds * 1000) {
                    stop = true;
                    setTimeout(() => done({ lags, frames, longtasks: __lg.longtasks }), 50);
                } else {
                    setTimeout(key, Math.max(0, start + (n + 1) * 100 - performance.now()));
                }
            };
            setTimeout(key, 100);
            """;

    /** How long a page may take, after the typing phase, to hand its figures over before it counts as frozen. */
    private static final int FROZEN_AFTER_SECONDS = 60;
    /** How long a page may take to show its first screen before the other phases are not tried. */
    private static final int OPEN_LIMIT_SECONDS = 180;

    private PageProfile() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("livegrid-page-");
        for (int i = 3; i < args.length; i++) {
            String[] labelled = args[i].split("=", 2);
            try (StandaloneProcess server = StandaloneProcess.start(labelled[0], work.resolve(labelled[0]), Map.of(
                    "LIVEGRID_PORT", "0", "LIVEGRID_DATA_DIR", "memory", "LIVEGRID_OP_RATE", "1000000",
                    "LIVEGRID_MAX_SHEET_SIZE", "64MiB"), Path.of(labelled[1]))) {
                System.out.println(profile(labelled[0], server, rows, cols, seconds));
            }
        }
    }

    private static String profile(String label, StandaloneProcess server, int rows, int cols, int seconds) throws Exception {
        String sheet = "big";
        List<String> rowIds = fill(server, sheet, rows, cols);
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            WebDriver driver = browser.driver();
            ((HasCdp) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
            JavascriptExecutor js = (JavascriptExecutor) driver;
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(seconds * 4L + FROZEN_AFTER_SECONDS));
            driver.get(server.baseUri().resolve("index.html?sheet=" + sheet + "&name=Bench").toString());
            try {
                new WebDriverWait(driver, Duration.ofSeconds(OPEN_LIMIT_SECONDS), Duration.ofMillis(50))
                        .until(d -> js.executeScript("return window.__lg && window.__lg.firstScreen") != null);
            } catch (org.openqa.selenium.TimeoutException | org.openqa.selenium.ScriptTimeoutException e) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("label", label);
                out.put("rows", rows);
                out.put("cols", cols);
                out.put("gave_up", "no first screen within " + OPEN_LIMIT_SECONDS + " s of navigating");
                return json(out);
            }
            double welcome = number(js.executeScript("return __lg.welcome"));
            double firstScreen = number(js.executeScript("return __lg.firstScreen"));
            Object domRowsAtOpen = js.executeScript("return document.querySelectorAll('#grid tr, [role=row]').length");

            @SuppressWarnings("unchecked")
            Map<String, Object> scroll = (Map<String, Object>) js.executeAsyncScript(SCROLL, seconds, 120);
            js.executeScript("(document.getElementById('grid-scroll') || document.scrollingElement).scrollTop = 0");

            Map<String, Object> typing = typeWhileOthersEdit(driver, server, sheet, rowIds, seconds);

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("label", label);
            out.put("rows", rows);
            out.put("cols", cols);
            out.put("open_ms", round(firstScreen - welcome));
            out.put("navigation_to_first_screen_ms", round(firstScreen));
            out.put("dom_rows_at_open", domRowsAtOpen);
            out.put("scroll", frameStats(doubles(scroll.get("frames"))));
            out.put("scroll_dom_rows", scroll.get("rowsInDom"));
            out.put("typing", typing);
            return json(out);
        }
    }

    /** A sheet of {@code rows} × {@code cols}, short values, through the Java client (any server version speaks it). */
    private static List<String> fill(StandaloneProcess server, String sheet, int rows, int cols) throws Exception {
        try (LiveGridClient client = LiveGridClient.builder(server.baseUri(), sheet).build()) {
            client.connect().get(30, TimeUnit.SECONDS);
            List<String> colIds = new ArrayList<>();
            String after = null;
            for (int c = 0; c < cols; c++) {
                after = client.addColumn("col " + c, after).get(30, TimeUnit.SECONDS).createdId().orElseThrow();
                colIds.add(after);
            }
            List<CompletableFuture<dev.livegrid.client.Applied>> inserts = new ArrayList<>();
            for (int r = rows - 1; r >= 0; r--) { // each at the start: the last inserted is row 0
                Map<String, String> cells = new LinkedHashMap<>();
                for (int c = 0; c < cols; c++) {
                    cells.put(colIds.get(c), "r" + r + " c" + c);
                }
                inserts.add(client.insertRow(null, cells));
                if (inserts.size() == 200) { // within the server's 256 unanswered ops per connection
                    CompletableFuture.allOf(inserts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
                    inserts.clear();
                }
            }
            CompletableFuture.allOf(inserts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            return client.table().rowIds();
        }
    }

    private static Map<String, Object> typeWhileOthersEdit(WebDriver driver, StandaloneProcess server, String sheet,
                                                           List<String> rowIds, int seconds) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        WebElement cell = driver.findElements(By.cssSelector("[role=gridcell], #grid td")).get(2);
        cell.click();
        if (driver.findElements(By.cssSelector("input.cell-editor, textarea.cell-editor, [role=gridcell] input")).isEmpty()) {
            driver.switchTo().activeElement().sendKeys(Keys.ENTER); // a page that selects first edits on Enter
        }
        try (LiveGridClient other = LiveGridClient.builder(server.baseUri(), sheet).name("Other").build()) {
            other.connect().get(30, TimeUnit.SECONDS);
            String colId = other.table().columnIds().get(3);
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            Random random = new Random(7);
            try {
                js.executeScript("__lg.longtasks = [];");
                sender.scheduleAtFixedRate(() -> {
                    int n = sent.getAndIncrement();
                    String row = n % 2 == 0 ? rowIds.get(random.nextInt(Math.min(20, rowIds.size())))
                            : rowIds.get(random.nextInt(rowIds.size()));
                    other.edit(row, colId, "remote " + n);
                }, 0, 10, TimeUnit.MILLISECONDS);
                js.executeScript(TYPE, seconds);
                TimeUnit.SECONDS.sleep(seconds); // the phase's length: the typist and the other client run meanwhile
                sender.shutdownNow();
                // A page still working through the edits answers late or never: wait a while, then call it frozen.
                CompletableFuture<Object> answer = CompletableFuture.supplyAsync(() -> js.executeAsyncScript(
                        "const done = arguments[0]; const poll = () => window.__typed ? done(window.__typed) : setTimeout(poll, 50); poll();"));
                Map<String, Object> typed;
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> got = (Map<String, Object>) answer.get(FROZEN_AFTER_SECONDS, TimeUnit.SECONDS);
                    typed = got;
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    Map<String, Object> frozen = new LinkedHashMap<>();
                    frozen.put("frozen", true);
                    frozen.put("no_answer_within_s", FROZEN_AFTER_SECONDS);
                    frozen.put("remote_edits_sent", sent.get());
                    return frozen;
                }
                List<Double> lags = new ArrayList<>(doubles(typed.get("lags")));
                lags.sort(Double::compare);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> longtasks = (List<Map<String, Object>>) typed.get("longtasks");
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("keys", lags.size());
                out.put("remote_edits_sent", sent.get());
                out.put("key_lag_p50_ms", round(percentile(lags, 0.50)));
                out.put("key_lag_p95_ms", round(percentile(lags, 0.95)));
                out.put("key_lag_max_ms", round(lags.get(lags.size() - 1)));
                out.put("longtask_ms_total", round(longtasks.stream().mapToDouble(t -> number(t.get("duration"))).sum()));
                out.put("frames", frameStats(doubles(typed.get("frames"))));
                return out;
            } finally {
                sender.shutdownNow();
                sender.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, Object> frameStats(List<Double> frames) {
        List<Double> sorted = new ArrayList<>(frames);
        sorted.sort(Double::compare);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", sorted.size());
        if (sorted.isEmpty()) {
            return out;
        }
        out.put("p50_ms", round(percentile(sorted, 0.50)));
        out.put("p95_ms", round(percentile(sorted, 0.95)));
        out.put("p99_ms", round(percentile(sorted, 0.99)));
        out.put("max_ms", round(sorted.get(sorted.size() - 1)));
        out.put("over_20ms_pct", round(100.0 * sorted.stream().filter(d -> d > 20).count() / sorted.size()));
        return out;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Object list) {
        return ((List<Object>) list).stream().map(PageProfile::number).toList();
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** Maps, lists, numbers and strings as one line of JSON. */
    private static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> fields = new ArrayList<>();
            map.forEach((k, v) -> fields.add("\"" + k + "\":" + json(v)));
            return "{" + String.join(",", fields) + "}";
        }
        if (value instanceof String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(value);
    }
}
