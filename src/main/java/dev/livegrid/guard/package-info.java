/**
 * Protocol strictness in front of the WebSocket runtime: handshake checks (RFC 6455, Origin) and the
 * client frame-stream inspection; plain Java that knows nothing of Grizzly, Tyrus or endpoints.
 */
package dev.livegrid.guard;
