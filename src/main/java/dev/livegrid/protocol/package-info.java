/**
 * The sheet wire protocol: message records, the JSON-B encoder and decoder, and error codes;
 * knows nothing of sessions or storage.
 */
package dev.livegrid.protocol;
