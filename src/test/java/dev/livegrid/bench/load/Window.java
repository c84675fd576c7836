package dev.livegrid.bench.load;

/**
 * A measured interval: its length, and how busy the server and the generator were in it (CPU
 * seconds per second, 1.0 = one core). A generator well below 1.0 while the server is near it
 * says the server, not the generator, set the result.
 */
final class Window {

    private final long serverPid;
    private long startNanos;
    private double serverCpu;
    private double generatorCpu;
    private double seconds;
    private double serverLoad;
    private double generatorLoad;

    Window(long serverPid) {
        this.serverPid = serverPid;
    }

    void start() {
        startNanos = System.nanoTime();
        serverCpu = ProcessStats.cpuSeconds(serverPid);
        generatorCpu = ProcessStats.cpuSeconds(ProcessStats.self());
    }

    long startNanos() {
        return startNanos;
    }

    void stop() {
        seconds = (System.nanoTime() - startNanos) / 1e9;
        serverLoad = (ProcessStats.cpuSeconds(serverPid) - serverCpu) / seconds;
        generatorLoad = (ProcessStats.cpuSeconds(ProcessStats.self()) - generatorCpu) / seconds;
    }

    double seconds() {
        return seconds;
    }

    /** Server CPU time per event (delivery, message) in the window, in microseconds. */
    double serverMicrosPer(double eventsPerSecond) {
        return eventsPerSecond > 0 ? serverLoad * 1e6 / eventsPerSecond : 0;
    }

    JsonLine json() {
        return new JsonLine().put("seconds", seconds).put("server_cpu", serverLoad).put("generator_cpu", generatorLoad);
    }
}
