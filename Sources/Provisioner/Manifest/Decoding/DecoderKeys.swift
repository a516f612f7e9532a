/// What the decoder accepts, for the tests that prove ``ManifestSchema``
/// agrees with it key by key and value by value.
package enum DecoderKeys {
    /// The keys the decoder accepts in each mapping, by the JSON pointer of
    /// that mapping's schema (outputs apart: see ``outputKeys(for:)``).
    package static var byLocation: [(pointer: String, keys: [String])] {
        [
            ("", FileDecoder.topLevelKeys),
            ("/$defs/defaults", FileDecoder.defaultsKeys),
            ("/$defs/retry", FileDecoder.retryKeys),
            ("/$defs/issuer", FileDecoder.issuerKeys),
            ("/$defs/client", FileDecoder.clientKeys),
            ("/$defs/auth", FileDecoder.authKeys),
            ("/$defs/dpop/anyOf/1", FileDecoder.dpopKeys),
        ]
    }

    /// The output format keys: `env`, `json`, `kubernetes_secret`.
    package static var formatKeys: [String] { FileDecoder.formatKeys }

    /// Every key an output of `format` accepts, the format key first.
    package static func outputKeys(for format: String) -> [String] {
        [format] + FileDecoder.optionKeys(for: format)
    }

    /// The canonical output key names `keys:` accepts.
    package static var canonicalOutputKeys: [String] { FileDecoder.canonicalOutputKeys }

    /// The parameter names `params` refuses.
    package static var refusedParameters: [String] { FileDecoder.reservedParameters + FileDecoder.keyedParameters }

    /// The manifest version the decoder reads.
    package static var supportedVersion: Int { FileDecoder.supportedVersion }
}
