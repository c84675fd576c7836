/**
 * Who is on a sheet and where their cursor is: the room's {@link dev.livegrid.presence.Roster}, which
 * turns joins, leaves and cursor moves into per-user changes sent in batches, so a crowd joining one
 * sheet costs each member one small message per batch instead of the whole list per join.
 */
package dev.livegrid.presence;
