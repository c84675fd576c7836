package dev.livegrid.guard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLimitsTest {

    @Test
    void aClientOverItsLimitGets429AndEveryoneOverTheTotal503() {
        ConnectionLimits limits = new ConnectionLimits(3, 2);
        admitted(limits, "a");
        admitted(limits, "a");
        Refusal perAddress = refused(limits, "a");
        assertEquals(429, perAddress.status());
        assertEquals("Too Many Requests", perAddress.reasonPhrase());
        assertEquals("5", perAddress.headers().get("Retry-After"));
        assertTrue(perAddress.message().contains("(a)") && perAddress.message().contains("max-connections-per-address"),
                perAddress.message());
        admitted(limits, "b");
        Refusal total = refused(limits, "c");
        assertEquals(503, total.status());
        assertEquals("Service Unavailable", total.reasonPhrase());
        assertEquals("5", total.headers().get("Retry-After"));
        assertTrue(total.message().contains("livegrid.max-connections"), total.message());
        assertEquals(3, limits.open());
        assertEquals(2, limits.open("a"));
    }

    @Test
    void aSlotClosedTwiceIsGivenBackOnceAndCanBeTakenAgain() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        ConnectionLimits.Slot slot = admitted(limits, "a");
        slot.close();
        slot.close();
        assertEquals(0, limits.open());
        assertEquals(0, limits.open("a"));
        admitted(limits, "b");
        assertEquals(503, refused(limits, "a").status(), "one slot in all, not one more after the double close");
    }

    @Test
    void racingAdmissionsAndClosesNeverExceedTheLimitsAndEndAtZero() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(50, 7);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger overTotal = new AtomicInteger();
        AtomicInteger overClient = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String client = "client-" + (w % 3);
                workers.add(pool.submit(() -> {
                    start.await();
                    ConcurrentLinkedQueue<ConnectionLimits.Slot> held = new ConcurrentLinkedQueue<>();
                    for (int i = 0; i < 20_000; i++) {
                        if (limits.admit(client) instanceof ConnectionLimits.Admission.Admitted a) {
                            held.add(a.slot());
                        }
                        if (limits.open() > 50) {
                            overTotal.incrementAndGet();
                        }
                        if (limits.open(client) > 7) {
                            overClient.incrementAndGet();
                        }
                        if (i % 3 != 0 && !held.isEmpty()) {
                            ConnectionLimits.Slot slot = held.poll();
                            slot.close();
                            slot.close();
                        }
                    }
                    held.forEach(ConnectionLimits.Slot::close);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overTotal.get(), "more than max-connections were open at some point");
        assertEquals(0, overClient.get(), "a client had more than its share at some point");
        assertEquals(0, limits.open());
        for (int c = 0; c < 3; c++) {
            assertEquals(0, limits.open("client-" + c));
        }
    }

    private static ConnectionLimits.Slot admitted(ConnectionLimits limits, String client) {
        return assertInstanceOf(ConnectionLimits.Admission.Admitted.class, limits.admit(client)).slot();
    }

    private static Refusal refused(ConnectionLimits limits, String client) {
        return assertInstanceOf(ConnectionLimits.Admission.Refused.class, limits.admit(client)).refusal();
    }
}
