package dev.livegrid.war;

import dev.livegrid.guard.Handshake;
import dev.livegrid.guard.HandshakeCheck;
import dev.livegrid.guard.HandshakeRules;
import dev.livegrid.guard.Refusal;
import dev.livegrid.metrics.Meters;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies LiveGrid's handshake checks (Origin, endpoint parameters, protocol) to WebSocket upgrade
 * requests in a servlet container, answering a refused one with its HTTP status and a plain-text
 * reason, as the standalone server does, and answers a plain GET of an endpoint with what its
 * handshake would get ({@link HandshakeRules}). It only sees the upgrade requests the container lets
 * filters see before its own WebSocket upgrade: docs/DEPLOYMENT.md lists where that differs.
 */
final class HandshakeGuard implements Filter {

    private final HandshakeRules rules;
    private final boolean containerLogin;
    private final Meters meters;

    /** @param containerLogin whether the server must authenticate callers first ({@code auth=container}) */
    HandshakeGuard(List<HandshakeCheck> checks, boolean containerLogin, Meters meters) {
        this.rules = new HandshakeRules(checks);
        this.containerLogin = containerLogin;
        this.meters = meters;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer) {
            boolean sheet = http.getRequestURI().startsWith(http.getContextPath() + "/sheets/");
            if (containerLogin && sheet && !ServletUser.signIn(http, answer)) {
                return; // the server answered with its challenge (401)
            }
            Optional<Refusal> refusal = rules.answer(handshakeOf(http));
            if (refusal.isPresent()) {
                meters.handshakeRefused(refusal.get().status());
                refuse(refusal.get(), answer);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static void refuse(Refusal refusal, HttpServletResponse response) throws IOException {
        response.setStatus(refusal.status());
        refusal.headers().forEach(response::setHeader);
        // As standalone: a refused upgrade ends the connection (servers keep it open otherwise).
        response.setHeader("Connection", "close");
        byte[] body = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static Handshake handshakeOf(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        return new Handshake(request.getMethod(), request.getProtocol(), request.getRequestURI(),
                request.getQueryString(), headers, ServletUser.of(request));
    }
}
