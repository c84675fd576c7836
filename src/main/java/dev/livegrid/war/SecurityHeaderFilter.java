package dev.livegrid.war;

import dev.livegrid.http.SecurityHeaders;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts LiveGrid's {@link SecurityHeaders} on every answer of the web application, the server's static
 * files and the API alike, before the rest of the chain runs, and labels the pages UTF-8: servers send
 * {@code text/html} without a charset.
 * <p>
 * Only {@code .html} files and folders (their welcome page) get the charset. A servlet container may
 * convert a text file it serves from the platform's charset to the one the response declares (Tomcat
 * on Java 17 does), which would garble UTF-8 text on a machine whose charset is not UTF-8; the pages
 * are ASCII, so for them the conversion changes nothing.
 */
final class SecurityHeaderFilter implements Filter {

    private final SecurityHeaders headers;

    SecurityHeaderFilter(SecurityHeaders headers) {
        this.headers = headers;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer) {
            headers.forHost(http.getHeader("Host")).forEach(answer::setHeader);
            String path = http.getRequestURI();
            if (path.endsWith("/") || path.endsWith(".html")) {
                answer.setCharacterEncoding(StandardCharsets.UTF_8.name());
            }
        }
        chain.doFilter(request, response);
    }
}
