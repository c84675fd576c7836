/**
 * LiveGrid inside a Jakarta EE server (the WAR): {@link dev.livegrid.war.LiveGridDeployment} builds
 * the shared context when the web application starts and stops all of it when it is undeployed;
 * {@link dev.livegrid.war.ApiServlet} and {@link dev.livegrid.war.HandshakeGuard} put the
 * transport-neutral HTTP API and handshake checks on the Servlet API. The standalone server does the
 * same through Grizzly in {@code dev.livegrid.standalone}.
 */
package dev.livegrid.war;
