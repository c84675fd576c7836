package dev.livegrid.bench.peers;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /echo} on bare Tyrus: every text comes back, sent asynchronously. */
@ServerEndpoint("/echo")
public class EchoPeer {

    static final Set<Session> SESSIONS = ConcurrentHashMap.newKeySet();

    @OnOpen
    public void open(Session session) {
        SESSIONS.add(session);
    }

    @OnMessage
    public void message(String text, Session session) {
        session.getAsyncRemote().sendText(text);
    }

    @OnClose
    public void close(Session session) {
        SESSIONS.remove(session);
    }
}
