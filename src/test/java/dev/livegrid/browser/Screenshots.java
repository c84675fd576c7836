package dev.livegrid.browser;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Screenshots of the page in the states the browser tests bring it to, for people to look at: taken
 * only when the system property {@code livegrid.screenshots} names a directory (e.g.
 * {@code mvn test -Dlivegrid.screenshots=/tmp/livegrid-shots}), never into the repository by default.
 */
public final class Screenshots {

    private static final String DIRECTORY = System.getProperty("livegrid.screenshots", "");

    private Screenshots() {
    }

    /** Saves what the browser shows as {@code name}.png, if screenshots are asked for. */
    public static void take(WebDriver driver, String name) {
        if (DIRECTORY.isBlank()) {
            return;
        }
        try {
            Path directory = Files.createDirectories(Path.of(DIRECTORY));
            Files.write(directory.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
