package dev.livegrid.config;

import java.util.Map;

/** Looks a setting up: the system property first, then the environment variable, then the default. */
record SettingSource(Map<String, String> properties, Map<String, String> environment) {

    String text(Setting setting) {
        String value = properties.get(setting.property());
        if (value == null) {
            value = environment.get(setting.environmentVariable());
        }
        return value != null ? value : setting.defaultValue();
    }
}
