/**
 * The WebSocket endpoints and their configurator: thin adapters from socket events to LiveGrid's
 * parts; they hold no business rules.
 */
package dev.livegrid.endpoint;
