package dev.livegrid.war;

import dev.livegrid.access.ContainerUser;
import jakarta.servlet.http.HttpServletRequest;

/** The user the servlet container authenticated for a request, as {@code auth=container} reads it. */
final class ServletUser implements ContainerUser {

    private final HttpServletRequest request;

    private ServletUser(HttpServletRequest request) {
        this.request = request;
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
