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
            // WildFly (Undertow) throws here when the request carries no Basic credentials at all (its
            // mechanism would only send its challenge as the response completes); Payara and Tomcat
            // answer with their challenge and return false. Either way the caller gets a 401 and a
            // Basic challenge for the realm of web.xml.
            response.setHeader("WWW-Authenticate", "Basic realm=\"livegrid\", charset=\"UTF-8\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, request.getHeader("Authorization") == null
                    ? "sign in with a user name and password of this server"
                    : "the credentials were refused: sign in with a user name and password of this server");
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
