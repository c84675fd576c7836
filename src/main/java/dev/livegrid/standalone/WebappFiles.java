package dev.livegrid.standalone;

import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the files of {@code webapp/} from the class path (the jar, or the build's classes in tests) to
 * GET and HEAD, a directory by its {@code index.html}. Paths reach it only once {@link StaticPath} has
 * accepted them.
 * <p>
 * Grizzly's {@code CLStaticHttpHandler} did this before, but it refuses HEAD with 405, labels text
 * without a charset, and puts the files it serves in Grizzly's file cache, which answers later requests
 * for them before any handler runs, so without LiveGrid's response headers.
 */
final class WebappFiles extends HttpHandler {

    /** Content types by file extension; the files are UTF-8. Anything else is served as bytes. */
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");
    private static final String BYTES = "application/octet-stream";

    private final ClassLoader loader;
    private final String root;

    /** @param root the files' folder on the class path, e.g. {@code webapp} */
    WebappFiles(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        String path = request.getDecodedRequestURI();
        if (path.endsWith("/")) {
            path += "index.html";
        }
        byte[] file = read(loader.getResource(root + path));
        if (file == null) {
            PlainErrorPage.send(response, 404, "404 Not Found");
        } else if (!Method.GET.equals(request.getMethod()) && !Method.HEAD.equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD");
            PlainErrorPage.send(response, 405, "405 Method Not Allowed");
        } else {
            // HEAD too: Grizzly's codec sends the headers of a HEAD answer and drops its body.
            response.setContentType(TYPES.getOrDefault(extension(path), BYTES));
            response.setContentLength(file.length);
            response.getOutputStream().write(file);
        }
    }

    /** The file's bytes, or null when there is no such file (a folder is none). */
    private static byte[] read(URL resource) throws IOException {
        if (resource == null) {
            return null;
        }
        URLConnection connection = resource.openConnection();
        if (connection instanceof JarURLConnection jar ? jar.getJarEntry().isDirectory() : !isRegularFile(resource)) {
            return null;
        }
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static boolean isRegularFile(URL resource) {
        try {
            return resource.getProtocol().equals("file") && Files.isRegularFile(Path.of(resource.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String extension(String path) {
        return path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    }
}
