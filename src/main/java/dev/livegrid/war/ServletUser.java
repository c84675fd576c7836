package dev.livegrid.war;

import dev.livegrid.access.ContainerUser;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The user the servlet container authenticated for a request, as {@code auth=container} reads it. */
final class ServletUser implements ContainerUser {

    private final HttpServletRequest request;

    private ServletUser(HttpServletRequest request) {
        this.request = request;
    }

    /**
     * Has the server authenticate the request by its login configuration (HTTP Basic against its
     * default realm, see WEB-INF/web.xml) unless it already has: true when a user is signed in;
     * false when the server has answered with its challenge ({@code 401}) instead.
     */
    static boolean signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getUserPrincipal() != null) {
            return true;
        }
        try {
            return request.authenticate(response);
        } catch (ServletException e) {
            // Credentials were sent and refused: the same 401 as none at all, with the server's challenge.
            response.setHeader("WWW-Authenticate", "Basic realm=\"livegrid\", charset=\"UTF-8\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "the user name or password was refused");
            return false;
        }
    }

    /** The request's user, or null when the container authenticated nobody. */
    static ContainerUser of(HttpServletRequest request) {
        return request.getUserPrincipal() == null ? null : new ServletUser(request);
    }

    @Override
    public String name() {
        return request.getUserPrincipal().getName();
    }

    @Override
    public boolean isInRole(String role) {
        return request.isUserInRole(role);
    }
}
