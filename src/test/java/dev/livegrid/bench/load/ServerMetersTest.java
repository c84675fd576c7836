package dev.livegrid.bench.load;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerMetersTest {

    @Test
    void readsTheChosenSeriesWithTheirLabels() {
        String page = """
                # HELP livegrid_cluster_behind_total Commits of a sheet that found another server had committed first
                # TYPE livegrid_cluster_behind_total counter
                livegrid_cluster_behind_total 12.0
                livegrid_cluster_ops_adopted_total 3456.0
                livegrid_ops_rejected_total{code="conflict",} 0.0
                livegrid_ops_rejected_total{code="rate-limited",} 7.0
                livegrid_commit_batch_size_changes_count 10.0
                livegrid_commit_batch_size_changes_sum 320.0
                jvm_threads_live_threads 42.0
                """;
        Map<String, Double> values = ServerMeters.parse(page);
        assertEquals(12.0, values.get("livegrid_cluster_behind_total"));
        assertEquals(3456.0, values.get("livegrid_cluster_ops_adopted_total"));
        assertEquals(7.0, values.get("livegrid_ops_rejected_total[code=rate-limited]"));
        assertEquals(0.0, values.get("livegrid_ops_rejected_total[code=conflict]"));
        assertEquals(320.0, values.get("livegrid_commit_batch_size_changes_sum"));
        assertEquals(6, values.size()); // the JVM's series are not read
    }
}
