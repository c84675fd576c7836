package dev.livegrid.bench.peers;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /hub/{room}} on bare Tyrus: every text is relayed to every session of the room, the sender's included. */
@ServerEndpoint("/hub/{room}")
public class HubPeer {

    static final Map<String, Set<Session>> ROOMS = new ConcurrentHashMap<>();

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
    }

    @OnMessage
    public void message(String text, @PathParam("room") String room) {
        for (Session member : ROOMS.getOrDefault(room, Set.of())) {
            member.getAsyncRemote().sendText(text);
        }
    }

    @OnClose
    public void close(Session session, @PathParam("room") String room) {
        Set<Session> members = ROOMS.get(room);
        if (members != null) {
            members.remove(session);
        }
    }
}
