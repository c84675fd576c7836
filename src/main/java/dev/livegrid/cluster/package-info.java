/**
 * Cluster mode: several LiveGrid servers on one shared database (PostgreSQL), each serving every
 * sheet. The order of each sheet is decided by the store's commits (see {@code SheetsBehindException});
 * this package keeps a server's loaded sheets up with what the others commit — {@code NOTIFY} as the
 * doorbell, the tables as the truth, a poll for what the doorbell missed. docs/ARCHITECTURE.md,
 * "Several servers on one database".
 */
package dev.livegrid.cluster;
