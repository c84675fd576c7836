package dev.livegrid.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How {@link LiveGridExtension} sets up the server it injects; it registers the extension too, so
 * this annotation alone is enough. Every value is text exactly as the {@code livegrid.*} system
 * property of the same name takes it (README, "Configuration"); an empty value leaves the default.
 * <p>
 * On a class: the settings of the server the class's tests share (a {@code @Nested} class adds its
 * own on top of its enclosing class's and gets a server of its own). On a test method: that method
 * gets a server of its own, with the class's settings and the method's on top.
 * <pre>{@code
 * @LiveGridSettings(pingInterval = "1s", pongTimeout = "1s", settings = "op-rate=5")
 * class ReconnectTest {
 *     @Test void resumes(LiveGridServer server) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(LiveGridExtension.class)
public @interface LiveGridSettings {

    /** One server per test method instead of one per test class. */
    boolean serverPerMethod() default false;

    /** {@code livegrid.ping-interval}, e.g. {@code "500ms"}. */
    String pingInterval() default "";

    /** {@code livegrid.pong-timeout}, e.g. {@code "1s"}. */
    String pongTimeout() default "";

    /** {@code livegrid.max-message-size}, e.g. {@code "64KiB"}. */
    String maxMessageSize() default "";

    /** {@code livegrid.allowed-origins}: origins besides the server's own that may open WebSockets. */
    String[] allowedOrigins() default {};

    /**
     * {@code livegrid.auth}: {@code "none"} (the default) or {@code "token"}. With {@code "token"} and no
     * {@code token-secret} among {@link #settings()}, the server gets a random HS256 secret and a
     * {@link LiveGridTokens} parameter mints tokens it accepts.
     */
    String auth() default "";

    /**
     * Any other setting as {@code name=value}, the name as in {@code livegrid.name} or
     * {@code LIVEGRID_NAME}: e.g. {@code {"op-rate=5", "max-rows=100", "data-dir=/tmp/sheets"}}.
     */
    String[] settings() default {};
}
