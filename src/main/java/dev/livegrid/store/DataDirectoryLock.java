package dev.livegrid.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory ({@code livegrid.lock}), held while a server uses it, so a
 * second server started on the same directory is refused instead of corrupting it. The operating
 * system releases it if the process dies, even by {@code kill -9}.
 */
final class DataDirectoryLock implements AutoCloseable {

    /**
     * Directories (real paths) this JVM holds. The OS lock belongs to the process, and on Linux
     * closing any channel on the file drops it, so a second open in this JVM must be refused here,
     * before it opens a channel of its own.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path held;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path held, FileChannel channel, FileLock lock) {
        this.held = held;
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path directory) {
        Path real;
        try {
            Files.createDirectories(directory);
            real = directory.toRealPath();
        } catch (IOException e) {
            throw cannotLock(directory, e);
        }
        if (!HELD.add(real)) {
            throw refused(directory, null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(real.resolve("livegrid.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw refused(directory, null);
            }
            return new DataDirectoryLock(real, channel, lock);
        } catch (OverlappingFileLockException e) {
            giveBack(real, channel);
            throw refused(directory, e);
        } catch (IOException e) {
            giveBack(real, channel);
            throw cannotLock(directory, e);
        } catch (RuntimeException e) {
            giveBack(real, channel);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        giveBack(held, channel);
    }

    private static StoreException refused(Path directory, Exception cause) {
        return new StoreException("another LiveGrid server is using the data directory " + directory.toAbsolutePath()
                + " (it holds livegrid.lock); stop it or give this one another livegrid.data-dir", cause);
    }

    private static StoreException cannotLock(Path directory, IOException e) {
        return new StoreException("cannot lock data directory " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
    }

    /** Closes the channel first, so the directory is free for this JVM only once its OS lock is gone. */
    private static void giveBack(Path real, FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        HELD.remove(real);
    }
}
