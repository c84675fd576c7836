/**
 * Live sheets: the registry of rooms, each room's sequencer (one thread of control per sheet), its
 * members and presence, the op log for resume and de-duplication; knows nothing of transports.
 */
package dev.livegrid.room;
