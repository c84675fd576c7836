/** LiveGrid's settings: names, defaults, parsing and validation; knows nothing of servers or sockets. */
package dev.livegrid.config;
