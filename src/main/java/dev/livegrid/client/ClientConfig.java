package dev.livegrid.client;

import java.net.http.HttpClient;
import java.time.Duration;

/** What a {@link LiveGridClient.Builder} settled on; fixed for the client's life. */
record ClientConfig(SheetAddress address, String name, String clientKey, String token, HttpClient http,
                    Duration connectTimeout, Duration opTimeout, ReconnectPolicy reconnect, long maxMessageChars,
                    int maxPendingOps, Duration keepAlive) {
}
