package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Access control in the WAR on Payara Micro: token mode, and container mode with users of Payara's
 * {@code file} realm created by {@code create-file-user} pre-boot commands; the WAR's
 * {@code glassfish-web.xml} maps each LiveGrid role to the realm group of the same name.
 */
class PayaraMicroAccessIT extends DeployedAccessContract {

    @Override
    DeployedServer start(List<Path> wars, Path work, List<RealmUser> users, String readyPath) throws Exception {
        return PayaraMicroServer.start(wars, work, Map.of(), users, readyPath);
    }
}
