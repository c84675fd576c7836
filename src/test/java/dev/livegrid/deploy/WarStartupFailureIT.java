package dev.livegrid.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WAR that cannot start says why, in the server's log, naming the setting. Shown on Tomcat (the quickest server to start); the listener
 * is the same on every server.
 */
class WarStartupFailureIT {

    @TempDir
    Path work;

    private static Path servletWar() {
        return Path.of(System.getProperty("livegrid.servletWar", "target/servlet/livegrid.war")).toAbsolutePath();
    }

    @Test
    void aBadSettingFailsTheDeploymentNamingIt() throws Exception {
        String log = TomcatServer.failedDeploymentLog(servletWar(), work, Map.of(
                "LIVEGRID_DATA_DIR", work.resolve("data").toString(), "LIVEGRID_OP_RATE", "fast"));
        assertTrue(log.contains("LiveGrid cannot start: Invalid setting livegrid.op-rate (LIVEGRID_OP_RATE) = 'fast'"), log);
    }

    @Test
    void aDataSourceNameThatIsNotBoundFailsTheDeploymentNamingIt() throws Exception {
        String log = TomcatServer.failedDeploymentLog(servletWar(), work, Map.of(
                "LIVEGRID_DATA_SOURCE", "java:comp/env/jdbc/nope"));
        assertTrue(log.contains("LiveGrid cannot start: Invalid setting livegrid.data-source (LIVEGRID_DATA_SOURCE)"
                + " = 'java:comp/env/jdbc/nope': the JNDI name of a DataSource defined in this server"), log);
    }
}
