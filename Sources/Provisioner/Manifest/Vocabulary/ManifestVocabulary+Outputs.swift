/// The vocabulary of an output: one format key holding the target path, and
/// the option keys that format accepts.
extension ManifestVocabulary {
    /// One output format: its key (`env`, `json`, `kubernetes_secret`, `template`) and its options.
    struct OutputFormat {
        let key: String
        let options: [Property]

        /// The format key with the target path, then the options: every key an output of this format accepts.
        var properties: [Property] { [Property(key, targetPath)] + options }
    }

    /// The canonical names `keys:` may rename or drop.
    static let canonicalOutputKeys = ["access_token", "token_type", "expires_at", "expires_in", "scope", "issuer", "client_id"]

    static let targetPath = object([
        "description": "Target path under the output root, or - for standard output.", "type": "string", "minLength": 1,
    ])

    static let mode = Property(
        "mode",
        object([
            "description": "File mode, octal (default \"0600\").",
            "anyOf": [object(["type": "string", "pattern": "^(0o)?[0-7]{3,4}$"]), object(["type": "integer"])],
        ]))

    static let keys = Property(
        "keys",
        object([
            "description": "Rename output keys, e.g. {access_token: TOKEN}, or leave one out with ~, e.g. {expires_at: ~}.",
            "type": "object",
            "propertyNames": object(["enum": .array(canonicalOutputKeys.map { .string($0) })]),
            "properties": object(["access_token": object(["type": "string"])]),
            "additionalProperties": object(["type": ["string", "null"]]),
        ]))

    static let stringMap = object(["type": "object", "additionalProperties": object(["type": "string"])])

    /// `notify`: one entry or a list; each runs a command or signals a process (`watch` only).
    static let notify = Property(
        "notify",
        object([
            "description": "What watch does after writing this output with a new token: run a command or signal a process.",
            "anyOf": [reference("notifier"), object(["type": "array", "items": reference("notifier")])],
        ]))

    /// One `notify` entry.
    static let notifier = object([
        "oneOf": [
            object([
                "type": "object",
                "required": ["command"],
                "additionalProperties": false,
                "properties": object([
                    "command": object([
                        "description": "An argument list (no shell), or a command line with shell: true.",
                        "anyOf": [
                            object(["type": "array", "items": object(["type": "string"]), "minItems": 1]), object(["type": "string"]),
                        ],
                    ]),
                    "shell": reference("boolean", "Run `command` (a string) with /bin/sh -c."),
                    "timeout": reference("duration", "Stop the command after this long (default 30s)."),
                ]),
            ]),
            object([
                "type": "object",
                "required": ["signal", "pid_file"],
                "additionalProperties": false,
                "properties": object([
                    "signal": object([
                        "description": "The signal to send.",
                        "enum": .array(NotifySignal.allCases.flatMap { [.string($0.name), .string("SIG" + $0.name)] }),
                    ]),
                    "pid_file": object(["description": "File holding the process id to signal.", "type": "string"]),
                ]),
            ]),
        ]
    ])

    /// Every output format, in the order the schema lists them.
    static let outputFormats: [OutputFormat] = [
        OutputFormat(
            key: "env",
            options: [
                Property("prefix", object(["type": "string", "pattern": .string("^(\(EnvKey.pattern))?$")])),
                Property(
                    "flavor",
                    object([
                        "description": "Quoting rules of the reader.",
                        "enum": .array(EnvOptions.Flavor.allCases.map { .string($0.rawValue) }),
                    ])),
                mode,
                Property("include_scope", reference("boolean", "Also write <PREFIX>SCOPE.")),
                keys,
                notify,
            ]),
        OutputFormat(key: "json", options: [mode, keys, notify]),
        OutputFormat(
            key: "kubernetes_secret",
            options: [
                Property("name", object(["description": "metadata.name (default: the client name).", "type": "string"])),
                Property("namespace", object(["type": "string"])),
                Property("labels", stringMap),
                Property("annotations", stringMap),
                Property(
                    "type",
                    object([
                        "description": "The Secret type (default Opaque), e.g. kubernetes.io/dockerconfigjson.", "type": "string",
                        "minLength": 1,
                    ])),
                Property(
                    "data",
                    object([
                        "description": "Extra data keys, each rendered per client from a Mustache template: inline, or {source: FILE}.",
                        "type": "object",
                        "propertyNames": object(["pattern": .string(KubernetesNames.dataKeyPattern)]),
                        "additionalProperties": object([
                            "anyOf": [
                                object(["type": "string"]),
                                object([
                                    "type": "object", "required": ["source"], "additionalProperties": false,
                                    "properties": object(["source": templateSource]),
                                ]),
                            ]
                        ]),
                    ])),
                mode,
                keys,
                notify,
            ]),
        OutputFormat(key: "template", options: [Property("source", templateSource), mode, notify]),
    ]

    /// `source:` of a template: a file relative to the manifest's folder.
    static let templateSource = object([
        "description": "A Mustache template file, relative to the manifest's folder.", "type": "string", "minLength": 1,
    ])
}
