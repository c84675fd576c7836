package dev.livegrid.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code chattr +i} on a file: every write to it fails with EPERM, even through descriptors opened
 * before (root only; ext4 and tmpfs support it). Made on SQLite's WAL file, every commit fails with
 * a disk I/O error, however much room the WAL has — unlike a full disk, which SQLite's reused WAL
 * space can ride out.
 */
final class Immutable {

    private Immutable() {
    }

    /** Null when {@code chattr +i} works in {@code dir}, else why not. */
    static String unavailableIn(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "chattr-probe", ".tmp");
            String on = chattr("+i", probe);
            if (on != null) {
                Files.deleteIfExists(probe);
                return on;
            }
            String off = chattr("-i", probe);
            Files.deleteIfExists(probe);
            return off;
        } catch (IOException e) {
            return e.toString();
        }
    }

    static void set(Path file) {
        String failed = chattr("+i", file);
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    static void clear(Path file) {
        if (Files.exists(file)) {
            String failed = chattr("-i", file);
            if (failed != null) {
                throw new IllegalStateException(failed);
            }
        }
    }

    private static String chattr(String flag, Path file) {
        List<String> command = List.of("chattr", flag, file.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return command + ": timed out";
            }
            return p.exitValue() == 0 ? null : command + ": exit " + p.exitValue() + " " + output.trim();
        } catch (IOException e) {
            return command + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
