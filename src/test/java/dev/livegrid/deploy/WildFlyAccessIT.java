package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Access control in the WAR on WildFly: token mode, and container mode with users of WildFly's
 * {@code ApplicationRealm}, the first added by {@code add-user.sh -a}, the others as it writes them
 * (see {@link WildFlyServer}) (Elytron's default
 * {@code application-security-domain} {@code other}; its {@code groups-to-roles} decoder makes each
 * group a role of the same name, so no mapping file is needed).
 */
class WildFlyAccessIT extends DeployedAccessContract {

    @Override
    DeployedServer start(List<Path> wars, Path work, List<RealmUser> users, String readyPath) throws Exception {
        return WildFlyServer.start(wars, work, Map.of(), users, readyPath);
    }
}
