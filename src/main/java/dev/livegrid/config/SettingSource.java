package dev.livegrid.config;

import java.util.Map;

/**
 * Looks a setting up: the system property first, then the environment variable, then the
 * deployment's own value (a servlet context parameter named like the property, WAR only), then
 * the default. The operator's values win over what the WAR was packaged with.
 */
record SettingSource(Map<String, String> properties, Map<String, String> environment,
                     Map<String, String> deployment) {

    String text(Setting setting) {
        String value = properties.get(setting.property());
        if (value == null) {
            value = environment.get(setting.environmentVariable());
        }
        if (value == null) {
            value = deployment.get(setting.property());
        }
        return value != null ? value : setting.defaultValue();
    }
}
