/**
 * The standalone server: Tyrus on Grizzly with LiveGrid's protocol guards, serving {@code webapp/}
 * on the same port, and the {@code main} that starts it; left out of the WAR.
 */
package dev.livegrid.standalone;
