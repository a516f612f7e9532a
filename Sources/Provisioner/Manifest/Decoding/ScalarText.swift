import YAMLKit

/// A scalar after `${…}` expansion, with what the loader needs for messages.
struct ScalarText {
    /// The expanded text.
    var value: String
    /// Where the scalar starts.
    var mark: Mark
    /// What a plain scalar resolves to after expansion (quoted scalars are strings).
    var resolved: ResolvedScalar
    /// Whether the original text referenced an environment variable.
    var referencesEnvironment: Bool
}
