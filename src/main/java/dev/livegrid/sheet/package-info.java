/**
 * The table model: columns, rows by stable id, cells with versions, and applying an op (last writer
 * wins or compare-and-set); plain Java that knows nothing of WebSocket, JSON or storage.
 */
package dev.livegrid.sheet;
