package dev.livegrid.sheet;

/** What applying an op did: applied at a version (with the op as applied), or rejected. */
public sealed interface Outcome {

    record Applied(long version, Op op) implements Outcome {
    }

    record Rejected(Rejection rejection) implements Outcome {
    }
}
