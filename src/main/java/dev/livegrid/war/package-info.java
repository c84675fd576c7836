/**
 * LiveGrid inside a Jakarta EE server (the WAR): {@link dev.livegrid.war.LiveGridDeployment} builds
 * the shared context when the web application starts and stops all of it when it is undeployed;
 * {@link dev.livegrid.war.ApiServlet}, {@link dev.livegrid.war.HandshakeGuard} and
 * {@link dev.livegrid.war.SecurityHeaderFilter} put the transport-neutral HTTP API, handshake checks
 * and response headers on the Servlet API. The standalone server does the
 * same through Grizzly in {@code dev.livegrid.standalone}.
 */
package dev.livegrid.war;
