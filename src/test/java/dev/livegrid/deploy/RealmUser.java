package dev.livegrid.deploy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A user of the server's own realm, for {@code auth=container}: created the way an operator would on
 * each server (WildFly: {@code add-user.sh -a}; Payara Micro: {@code create-file-user} in a pre-boot
 * command file; Tomcat: {@code tomcat-users.xml}), with the groups (roles) it belongs to.
 */
record RealmUser(String name, String password, List<String> groups) {

    RealmUser(String name, String password, String... groups) {
        this(name, password, List.of(groups));
    }

    /** {@code Authorization: Basic …} with this user's name and password. */
    Map<String, String> basic() {
        return basic(name, password);
    }

    static Map<String, String> basic(String name, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
