/**
 * Durable sheets: the {@code SheetStore} contract, its embedded SQLite implementation, and the
 * data directory's lock; knows nothing of WebSocket or HTTP.
 */
package dev.livegrid.store;
