package dev.livegrid.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The standalone server's own database ({@code jdbc-url}, {@code jdbc-user}, {@code jdbc-password} or
 * {@code jdbc-password-file}): when a URL is set, sheets live there instead of {@code data-dir}. The
 * password is read once, here, and never appears in a message or in {@link #toString()}.
 *
 * @param url      a {@code jdbc:postgresql:} URL, or empty for none
 * @param user     the database user, or empty
 * @param password the password, or empty
 */
public record JdbcSettings(String url, String user, String password) {

    public static final JdbcSettings NONE = new JdbcSettings("", "", "");

    public JdbcSettings {
        url = url == null ? "" : url.trim();
        user = user == null ? "" : user.trim();
        password = password == null ? "" : password;
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException(Setting.JDBC_URL, "(not shown: it may hold a password)", "a PostgreSQL JDBC URL, jdbc:postgresql://host:5432/database"
                    + " (the standalone server's pooled store is PostgreSQL's; other databases go through a Jakarta EE server's DataSource)");
        }
    }

    /** From the settings' texts; the password from {@code passwordFile} when that is set (not both). */
    static JdbcSettings of(String url, String user, String password, String passwordFile) {
        String file = passwordFile == null ? "" : passwordFile.trim();
        if (!file.isEmpty() && password != null && !password.isEmpty()) {
            throw new InvalidSettingException(Setting.JDBC_PASSWORD_FILE, file, "empty when "
                    + Setting.JDBC_PASSWORD.displayName() + " is set: give the password one way");
        }
        return new JdbcSettings(url, user, file.isEmpty() ? password : readFirstLine(file));
    }

    public boolean configured() {
        return !url.isEmpty();
    }

    private static String readFirstLine(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(Setting.JDBC_PASSWORD_FILE, file, "a readable file holding the password ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The URL without its parameters, which may hold a password: for logs. */
    public String withoutParameters() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    @Override
    public String toString() {
        return "JdbcSettings[url=" + withoutParameters() + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "(set)") + "]";
    }
}
