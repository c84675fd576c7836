/**
 * Who a caller is and what they may do on a sheet, decided in one place for sockets and HTTP alike:
 * transports only extract credentials (a bearer token, the container's principal) and ask
 * {@link dev.livegrid.access.Authenticator} for an {@link dev.livegrid.access.Identity}; a sheet's
 * room asks {@link dev.livegrid.access.AccessPolicy} for that identity's {@link dev.livegrid.access.Role}
 * on it (the sheet's access list overriding the identity's own grants). See docs/SECURITY.md.
 */
package dev.livegrid.access;
