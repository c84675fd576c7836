package dev.livegrid.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about a process: resident memory ({@code VmRSS} of /proc/PID/status) and CPU
 * time (utime + stime of /proc/PID/stat), for the server under test and for the generator itself.
 */
final class ProcessStats {

    private static final Pattern HEAP_USED = Pattern.compile("(?:heap|generation)\\s+total \\d+K, used (\\d+)K");
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

    private ProcessStats() {
    }

    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** CPU seconds the process has used, user and system; -1 when it cannot be read. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name may hold spaces; the fields after its closing parenthesis do not.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds of a process and of every process under it (PostgreSQL's postmaster and its backends);
     * -1 when {@code pid} is not positive or cannot be read. A child that exits takes its CPU time with it,
     * so this suits long-lived children (a server's pooled connections), not short ones.
     */
    static double treeCpuSeconds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        double own = cpuSeconds(pid);
        if (own < 0) {
            return -1;
        }
        return own + ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .mapToDouble(child -> Math.max(0, cpuSeconds(child.pid()))).sum();
    }

    /**
     * A JVM's live heap after a full collection (jcmd GC.run, then the "used" of GC.heap_info), in
     * KiB; -1 when the process is no JVM or jcmd fails. RSS counts every heap page the JVM has
     * touched, garbage included, so for a JVM this is the fairer measure of what connections hold.
     */
    static long liveHeapKiB(long pid) {
        try {
            run("jcmd", String.valueOf(pid), "GC.run");
            // G1 prints one "garbage-first heap … used NK" line; Serial (what a JVM pinned to one core
            // picks) one per generation: "def new generation … used NK", "tenured generation … used NK".
            Matcher used = HEAP_USED.matcher(run("jcmd", String.valueOf(pid), "GC.heap_info"));
            long sum = -1;
            while (used.find()) {
                sum = Math.max(sum, 0) + Long.parseLong(used.group(1));
            }
            return sum;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    static long self() {
        return ProcessHandle.current().pid();
    }
}
