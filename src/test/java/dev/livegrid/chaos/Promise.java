package dev.livegrid.chaos;

/** The promises the chaos test checks after every step, numbered as in the test's report. */
enum Promise {
    P1_SAME_TABLE("every client that applied the same versions shows the same table, equal to the snapshot"),
    P2_VERSIONS("versions arrive contiguous (holes only where skipped explains them) and a version of one"
            + " sheet incarnation is never reused for different content"),
    P3_NOTHING_LOST("nothing acknowledged is lost (restarts included) and no op is applied twice"),
    P4_DELETED_STAYS_DELETED("a deleted sheet is 404 and unlisted until re-created, restarts included"),
    P5_NO_THREAD_DIES("no thread or room task dies, no internal error, every sheet answers a probe"),
    P6_ANSWERED("every request and every op is answered within its deadline"),
    P7_PRESENCE("every presence message applies exactly to the list of who is here that its connection has");

    private final String meaning;

    Promise(String meaning) {
        this.meaning = meaning;
    }

    String meaning() {
        return meaning;
    }
}
