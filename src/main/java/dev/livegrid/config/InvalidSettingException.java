package dev.livegrid.config;

/** A setting whose value cannot be used; the message names the setting and says what it accepts. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final Setting setting;

    public InvalidSettingException(Setting setting, String value, String expectation) {
        super("Invalid setting " + setting.displayName() + " = '" + value + "': " + expectation);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
