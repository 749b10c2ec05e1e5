/// Where a user's configuration for Rotation lives (themes, the keymap's `config.toml`): the one rule every config
/// file is looked up by.
public enum UserConfigDirectory {
    /// `$XDG_CONFIG_HOME/rotation` when that is an absolute path (the XDG base directory spec ignores relative
    /// ones), else `$HOME/.config/rotation`; nil with neither set.
    public static func path(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/rotation"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.config/rotation"
        }
        return nil
    }
}
