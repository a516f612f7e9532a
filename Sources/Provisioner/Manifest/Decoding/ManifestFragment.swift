import YAMLKit

/// What one manifest file contributed, before files are merged and
/// cross-references (issuer names, duplicates, output collisions) are checked.
struct ManifestFragment {
    var file: Manifest.File
    var defaults: (value: Defaults, mark: Mark)?
    var issuers: [IssuerDraft] = []
    var clients: [ClientDraft] = []
    var outputs: [OutputDraft] = []
}

/// An issuer before defaults are applied.
struct IssuerDraft {
    var name: String
    /// Nil when its endpoint is not usable (already reported): clients may
    /// still name it without an "unknown issuer" error.
    var definition: IssuerDefinition?
    var location: SourceLocation
    var override: SettingsOverride
    var nameMark: Mark
}

/// A client before its issuer is looked up, settings merged and fingerprint computed.
struct ClientDraft {
    var definition: ClientDefinition
    var override: SettingsOverride
    var issuerReference: ScalarText?
    var nameText: ScalarText?
    /// The client's position in its file's `clients` list.
    var index: Int
    /// Fingerprint parts that depend on the client alone (secret and key hashes, DPoP, …).
    var identityParts: [String]
    var outputs: [OutputDraft]

    /// `clients[3]`, for messages (built only for one).
    var path: String { FileDecoder.clientPath(index) }
}

/// An output with where it was written, for collision messages.
struct OutputDraft {
    var spec: OutputSpec
    /// The path as written in the manifest.
    var writtenPath: String
    var mark: Mark
    /// The position of the owning client in `clients`; nil for a top-level output.
    var client: Int?
    /// The position in its `outputs` list.
    var index: Int
    /// The format key (`env`, `json`, …).
    var format: String
    var location: SourceLocation

    /// `clients[3].outputs[0].env`, for messages (built only for one).
    var keyPath: String { FileDecoder.outputsPath(client: client) + "[\(index)].\(format)" }
}
