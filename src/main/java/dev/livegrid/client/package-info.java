/**
 * A Java client for LiveGrid's sheet protocol ({@code /sheets/{sheetId}}, docs/PROTOCOL.md §7) on the
 * JDK's {@link java.net.http.WebSocket}: {@link dev.livegrid.client.LiveGridClient} joins one sheet,
 * sends ops and answers each with a future, keeps the table and who is here, and resumes after a
 * disconnect with {@code since}, resending what was not acknowledged — the behaviour of the page's
 * {@code webapp/js/livegrid.js}, for programs and tests. It depends on the JDK and the Jakarta JSON-P
 * API only. docs/JAVA-CLIENT.md describes it with an example.
 */
package dev.livegrid.client;
