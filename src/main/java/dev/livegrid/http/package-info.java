/**
 * The HTTP API beside the sockets (snapshot JSON, CSV export, ops by POST, the seed's legacy
 * {@code /input-change}, and the administration calls: listing, deleting, a cell's history) as plain
 * request and response values, so that the standalone server and the WAR serve it through thin
 * adapters, and the response headers of every answer ({@link dev.livegrid.http.SecurityHeaders});
 * knows nothing of Grizzly or servlets.
 */
package dev.livegrid.http;
