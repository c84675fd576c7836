/** Writing to one WebSocket session: its outbox, the single writer; knows nothing of what is sent or why. */
package dev.livegrid.session;
