/**
 * LiveGrid in other projects' JUnit 5 tests: {@link dev.livegrid.testing.LiveGridExtension} starts an
 * embedded {@link dev.livegrid.standalone.LiveGridServer} (free port, 127.0.0.1, sheets in memory) per
 * test class or per test method and injects it; {@link dev.livegrid.testing.LiveGridSettings} sets it
 * up; {@link dev.livegrid.testing.LiveGridTokens} mints the tokens a server with access control
 * accepts. Shipped in {@code dev.livegrid:livegrid-testing} only, never in the WAR or the standalone jar.
 */
package dev.livegrid.testing;
