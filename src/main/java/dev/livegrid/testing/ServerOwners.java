package dev.livegrid.testing;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which test class or method owns the server a JUnit context uses, and with which settings: the
 * {@link LiveGridSettings} of the outermost class first, then of each {@code @Nested} class inside
 * it, then of the test method. (A class inherits its superclass's annotation, as {@code @Inherited}
 * says; an enclosing class's reaches a {@code @Nested} one through the owner lookup.)
 */
final class ServerOwners {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerOwners() {
    }

    /**
     * The class context whose server {@code context} uses: the nearest class (this one, or one it is
     * nested in) carrying {@link LiveGridSettings} of its own, or else the outermost test class.
     */
    static ExtensionContext classOwning(ExtensionContext context) {
        ExtensionContext outermost = null;
        for (ExtensionContext c = context; c != null && c.getTestClass().isPresent(); c = c.getParent().orElse(null)) {
            if (c.getTestMethod().isEmpty()) {
                if (c.getRequiredTestClass().isAnnotationPresent(LiveGridSettings.class)) {
                    return c;
                }
                outermost = c;
            }
        }
        if (outermost == null) {
            throw new ExtensionConfigurationException("LiveGridExtension needs a test class: " + context.getUniqueId());
        }
        return outermost;
    }

    /** Whether the method of {@code context} (or its class) asks for a server per test method. */
    static boolean perMethod(ExtensionContext context) {
        if (context.getTestMethod().map(m -> m.isAnnotationPresent(LiveGridSettings.class)).orElse(false)) {
            return true;
        }
        return annotations(context).stream().anyMatch(LiveGridSettings::serverPerMethod);
    }

    /** The settings of the server {@code context} uses: free port, 127.0.0.1, sheets in memory, then the annotations'. */
    static Settings settingsOf(ExtensionContext context) {
        Map<Setting, String> changes = new LinkedHashMap<>();
        changes.put(Setting.PORT, "0");
        changes.put(Setting.BIND, "127.0.0.1");
        changes.put(Setting.DATA_DIR, Settings.IN_MEMORY);
        for (LiveGridSettings annotation : annotations(context)) {
            apply(annotation, changes);
        }
        context.getTestMethod().map(m -> m.getAnnotation(LiveGridSettings.class)).ifPresent(a -> apply(a, changes));
        if ("token".equalsIgnoreCase(changes.getOrDefault(Setting.AUTH, "").trim())
                && !changes.containsKey(Setting.TOKEN_SECRET) && !changes.containsKey(Setting.TOKEN_PUBLIC_KEY)) {
            changes.put(Setting.TOKEN_SECRET, randomSecret());
        }
        return Settings.defaults().with(changes);
    }

    /** The class annotations that apply, outermost class first. */
    private static Deque<LiveGridSettings> annotations(ExtensionContext context) {
        Deque<LiveGridSettings> found = new ArrayDeque<>();
        Optional<Class<?>> type = context.getTestClass();
        for (Class<?> c = type.orElse(null); c != null; c = c.getEnclosingClass()) {
            LiveGridSettings annotation = c.getAnnotation(LiveGridSettings.class);
            if (annotation != null) {
                found.addFirst(annotation);
            }
        }
        return found;
    }

    private static void apply(LiveGridSettings annotation, Map<Setting, String> changes) {
        put(changes, Setting.PING_INTERVAL, annotation.pingInterval());
        put(changes, Setting.PONG_TIMEOUT, annotation.pongTimeout());
        put(changes, Setting.MAX_MESSAGE_SIZE, annotation.maxMessageSize());
        if (annotation.allowedOrigins().length > 0) {
            changes.put(Setting.ALLOWED_ORIGINS, String.join(",", annotation.allowedOrigins()));
        }
        put(changes, Setting.AUTH, annotation.auth());
        for (String entry : annotation.settings()) {
            int equals = entry.indexOf('=');
            if (equals < 1) {
                throw new ExtensionConfigurationException("@LiveGridSettings(settings = \"" + entry
                        + "\"): write each setting as name=value, e.g. \"op-rate=5\"");
            }
            try {
                changes.put(Setting.named(entry.substring(0, equals)), entry.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@LiveGridSettings: " + e.getMessage(), e);
            }
        }
    }

    private static void put(Map<Setting, String> changes, Setting setting, String value) {
        if (!value.isBlank()) {
            changes.put(setting, value);
        }
    }

    /** A fresh HS256 secret for a token-mode server whose test did not choose one: 48 random bytes. */
    private static String randomSecret() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
