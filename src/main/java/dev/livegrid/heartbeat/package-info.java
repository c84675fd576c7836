/** The heartbeat: periodic pings to every session on one scheduler and the closing of silent ones; knows nothing of rooms. */
package dev.livegrid.heartbeat;
