package dev.livegrid.durability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small tmpfs mounted on a fresh directory (needs root and a usable {@code mount}), which a test
 * can fill up with one big file — so SQLite's writes fail with "database or disk is full" — and
 * free again.
 */
public final class TinyDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private TinyDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler.bin");
    }

    /** Mounts a tmpfs of {@code size} (e.g. {@code 32m}); empty, with why, when this machine cannot. */
    public static Optional<TinyDisk> mount(String size, StringBuilder why) {
        Path dir;
        try {
            dir = Files.createTempDirectory("livegrid-tinydisk-");
        } catch (IOException e) {
            why.append(e);
            return Optional.empty();
        }
        String result = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString()));
        if (result != null) {
            why.append(result);
            dir.toFile().delete();
            return Optional.empty();
        }
        return Optional.of(new TinyDisk(dir));
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes one file until the file system has no space left; returns its size. */
    public long fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        // The last chunk may have been cut short: fill the last bytes one by one.
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < chunk.length; i++) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the last byte
        }
        return Math.max(written, Files.size(filler));
    }

    /** Deletes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() {
        String result = run(List.of("umount", mountPoint.toString()));
        if (result != null) {
            run(List.of("umount", "-l", mountPoint.toString()));
        }
        try (Stream<Path> left = Files.walk(mountPoint)) {
            left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Runs a command; null when it succeeded, else what went wrong. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + ": timed out";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + p.exitValue() + " " + output.trim();
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
