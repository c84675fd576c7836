package dev.livegrid.bench.load;

/** One kind of load; reads its parameters from the options and returns its results. */
interface Mode {

    JsonLine run(Target target, Options options);
}
