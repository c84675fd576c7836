package dev.livegrid.client;

import java.net.http.HttpClient;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link HttpClient} clients use unless given one. One for every client, as the JDK advises: an
 * HttpClient of Java 17 cannot be closed, and each keeps a selector thread until it is garbage
 * collected, so one per client would leave a thread behind every closed client. Its worker threads
 * are daemons that end after a few idle seconds.
 */
final class SharedHttpClient {

    private static final long IDLE_SECONDS = 5;

    private SharedHttpClient() {
    }

    static HttpClient get() {
        return Holder.CLIENT;
    }

    private static final class Holder {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private static final HttpClient CLIENT = HttpClient.newBuilder().executor(workers()).build();

        private static ThreadPoolExecutor workers() {
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    task -> {
                        Thread thread = new Thread(task, "livegrid-client-http-" + THREADS.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
        }
    }
}
