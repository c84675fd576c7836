package dev.livegrid.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay between clients and a server that a test can misuse: hold what flows one way (it is read
 * and kept, not passed on), and cut every connection at once with a reset — a dropped network, as the
 * client sees it. Connections made after a cut flow freely again.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listening;
    private final int target;
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private boolean holdRequests;
    private boolean holdReplies;
    private int accepted;

    TcpProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    /** Bytes from clients to the server are kept from now on, until the next cut. */
    synchronized void holdRequests() {
        holdRequests = true;
    }

    /** Bytes from the server to clients are kept from now on, until the next cut. */
    synchronized void holdReplies() {
        holdReplies = true;
    }

    /** Connections accepted so far. */
    synchronized int accepted() {
        return accepted;
    }

    /** Resets every open connection, both sides; what was held is lost. */
    synchronized void cut() {
        for (Socket socket : sockets) {
            reset(socket);
        }
        sockets.clear();
        holdRequests = false;
        holdReplies = false;
        notifyAll();
    }

    /**
     * Ends every open connection as a killed server's kernel would: a plain close (FIN) both ways, no
     * WebSocket close frame.
     */
    synchronized void endQuietly() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
        sockets.clear();
        notifyAll();
    }

    @Override
    public void close() throws IOException {
        listening.close();
        cut();
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                synchronized (this) {
                    accepted++;
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (!waitWhileHeld(from, request)) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut or closed
            } finally {
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-" + (request ? "requests" : "replies"));
        thread.setDaemon(true);
        thread.start();
    }

    /** False when the connection was cut while its bytes were held. */
    private synchronized boolean waitWhileHeld(Socket from, boolean request) {
        while ((request ? holdRequests : holdReplies) && sockets.contains(from)) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return sockets.contains(from);
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // RST, not FIN: nothing queued is delivered
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
