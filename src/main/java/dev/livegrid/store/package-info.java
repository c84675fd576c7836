/**
 * Durable sheets: the {@code SheetStore} contract, its embedded SQLite implementation with the data
 * directory's lock, and the implementation on a caller's {@code DataSource} (H2, PostgreSQL), both
 * running the same SQL; knows nothing of WebSocket, HTTP or JNDI.
 */
package dev.livegrid.store;
