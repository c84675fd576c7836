package dev.livegrid.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data directory's lock holds against other processes after a second open in this JVM was refused. */
class DataDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void aRefusedSecondOpenInThisJvmDoesNotLetAnotherProcessIn() throws Exception {
        try (SqliteSheetStore first = SqliteSheetStore.open(dir)) {
            StoreException again = assertThrows(StoreException.class, () -> SqliteSheetStore.open(dir).close());
            assertTrue(again.getMessage().contains("another LiveGrid server is using the data directory"), again.getMessage());
            // The same directory by another spelling (through a symbolic link) is the same directory.
            Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
            try {
                assertThrows(StoreException.class, () -> SqliteSheetStore.open(link).close());
            } finally {
                Files.delete(link);
            }

            assertEquals("refused: another LiveGrid server is using the data directory " + dir.toAbsolutePath(),
                    otherProcessOpening(dir).split(" \\(")[0]);
        }
        // Once the first store is closed, the directory is free again, for this JVM and for others.
        SqliteSheetStore.open(dir).close();
        assertEquals("open", otherProcessOpening(dir));
    }

    /** What a second JVM's {@link StoreHolder} says when it opens {@code directory}: "open" or "refused: …". */
    private static String otherProcessOpening(Path directory) throws Exception {
        Process other = StoreHolder.start(StoreHolder.class, directory.toString());
        try {
            other.getOutputStream().close(); // a holder that got the store gives it back at once
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            String said = out.readLine();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the other JVM ended");
            return said;
        } finally {
            other.destroyForcibly();
        }
    }
}
