package dev.livegrid.bench.load;

import java.util.List;

/**
 * A measured interval: its length, and how busy the server and the generator were in it (CPU
 * seconds per second, 1.0 = one core). A generator well below 1.0 while the server is near it
 * says the server, not the generator, set the result.
 *
 * <p>For several servers (a cluster's, {@link Target#pids()}) the server's CPU is the sum of their
 * processes'; with a database process ({@link Target#dbPid()}) its CPU and its children's (PostgreSQL's
 * backends) is measured too, apart, since on one machine it shares the cores with the servers.
 */
final class Window {

    private final List<Long> serverPids;
    private final long dbPid;
    private long startNanos;
    private double serverCpu;
    private double dbCpu;
    private double generatorCpu;
    private double seconds;
    private double serverLoad;
    private double dbLoad;
    private double generatorLoad;

    Window(long serverPid) {
        this(List.of(serverPid), -1);
    }

    /** Every server of the target, and its database when it names one. */
    Window(Target target) {
        this(target.pids(), target.dbPid());
    }

    private Window(List<Long> serverPids, long dbPid) {
        this.serverPids = serverPids;
        this.dbPid = dbPid;
    }

    void start() {
        startNanos = System.nanoTime();
        serverCpu = serverCpuSeconds();
        dbCpu = ProcessStats.treeCpuSeconds(dbPid);
        generatorCpu = ProcessStats.cpuSeconds(ProcessStats.self());
    }

    long startNanos() {
        return startNanos;
    }

    void stop() {
        seconds = (System.nanoTime() - startNanos) / 1e9;
        serverLoad = (serverCpuSeconds() - serverCpu) / seconds;
        dbLoad = (ProcessStats.treeCpuSeconds(dbPid) - dbCpu) / seconds;
        generatorLoad = (ProcessStats.cpuSeconds(ProcessStats.self()) - generatorCpu) / seconds;
    }

    double seconds() {
        return seconds;
    }

    /** Server CPU time per event (delivery, message) in the window, in microseconds; summed over every server. */
    double serverMicrosPer(double eventsPerSecond) {
        return eventsPerSecond > 0 ? serverLoad * 1e6 / eventsPerSecond : 0;
    }

    /** The database's CPU time per event in the window, in microseconds; 0 when no database was named. */
    double dbMicrosPer(double eventsPerSecond) {
        return eventsPerSecond > 0 && dbPid > 0 ? dbLoad * 1e6 / eventsPerSecond : 0;
    }

    private double serverCpuSeconds() {
        double sum = 0;
        for (long pid : serverPids) {
            double cpu = ProcessStats.cpuSeconds(pid);
            if (cpu < 0) {
                return -1;
            }
            sum += cpu;
        }
        return sum;
    }

    JsonLine json() {
        JsonLine json = new JsonLine().put("seconds", seconds).put("server_cpu", serverLoad);
        if (serverPids.size() > 1) {
            json.put("server_cpu_summed_over", serverPids.size());
        }
        if (dbPid > 0) {
            json.put("db_cpu", dbLoad);
        }
        return json.put("generator_cpu", generatorLoad);
    }
}
