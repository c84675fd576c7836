package dev.livegrid.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A second process that opens a store and holds it: {@code main(dir)} opens
 * {@link SqliteSheetStore#open} on {@code dir}, prints {@code open} (or {@code refused: message}) on
 * stdout and keeps the store until its stdin ends. Tests start it with {@link #start} to check the
 * data directory's lock between processes, and kill it with {@code kill -9} to check the OS releases it.
 */
public final class StoreHolder {

    private StoreHolder() {
    }

    public static void main(String[] args) throws IOException {
        SqliteSheetStore store;
        try {
            store = SqliteSheetStore.open(Path.of(args[0]));
        } catch (StoreException e) {
            System.out.println("refused: " + e.getMessage());
            System.out.flush();
            return;
        }
        System.out.println("open");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the store until the parent closes our stdin (or kills us)
        }
        store.close();
    }

    /** Starts a JVM running {@code mainClass} with this JVM's test class path. */
    public static Process start(Class<?> mainClass, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
