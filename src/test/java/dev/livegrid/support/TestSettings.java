package dev.livegrid.support;

import dev.livegrid.config.Setting;
import dev.livegrid.config.Settings;

/** Settings for a server inside a test: a free port on 127.0.0.1 and an in-memory store. */
public final class TestSettings {

    private TestSettings() {
    }

    public static Settings loopback() {
        return Settings.defaults().withPort(0).withBind("127.0.0.1").with(Setting.DATA_DIR, Settings.IN_MEMORY);
    }
}
