package dev.livegrid.deploy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared deployment suite on Payara Micro (Tyrus inside, like standalone), with the store in
 * the server's default DataSource ({@code java:comp/DefaultDataSource}, H2) instead of the
 * embedded SQLite file: the one WAR covers both stores across the two servers.
 */
class PayaraMicroIT extends DeployedWarContract {

    @Override
    Map<String, String> environment(Path work) {
        Map<String, String> environment = new HashMap<>(super.environment(work));
        environment.put("LIVEGRID_DATA_SOURCE", "java:comp/DefaultDataSource");
        return environment;
    }

    @Override
    DeployedServer start(Path war, Path work, Map<String, String> environment) throws Exception {
        return PayaraMicroServer.start(war, work, environment);
    }
}
