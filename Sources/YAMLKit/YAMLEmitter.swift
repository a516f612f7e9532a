internal import CLibYAML

/// Writes nodes as block-style YAML through libyaml's emitter.
///
/// Strings that would read back as another type (`"true"`, `"no"`, `"0123"`,
/// `"1e3"`, `""`, `"null"`, leading or trailing spaces) are double-quoted;
/// libyaml itself quotes anything a plain scalar cannot carry (`: `, `#`, …).
public struct YAMLEmitter: Sendable {
    /// Creates an emitter.
    public init() {}

    /// Emits one or more documents; with several, each starts with `---`.
    public func emit(documents: [Node]) throws(YAMLError) -> String {
        let session = EmitSession()
        return try session.run(documents: documents)
    }

    /// Emits a single document.
    public func emit(_ document: Node) throws(YAMLError) -> String {
        try emit(documents: [document])
    }
}

/// Collects the emitter's output bytes; handed to libyaml as its context pointer.
private final class OutputBuffer {
    var bytes: [UInt8] = []
}

private final class EmitSession {
    private var emitter = yaml_emitter_t()
    private let output = OutputBuffer()

    deinit {
        yaml_emitter_delete(&emitter)
    }

    func run(documents: [Node]) throws(YAMLError) -> String {
        guard yaml_emitter_initialize(&emitter) == 1 else { throw failure("libyaml could not allocate an emitter") }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_indent(&emitter, 2)
        let context = Unmanaged.passUnretained(output).toOpaque()
        yaml_emitter_set_output(
            &emitter,
            { context, buffer, size in
                guard let context, let buffer else { return 0 }
                let output = Unmanaged<OutputBuffer>.fromOpaque(context).takeUnretainedValue()
                output.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, context)

        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        try emit(&event)
        for document in documents {
            // `---` is written when several documents follow each other, and
            // for a document that is one empty scalar: left implicit, it would
            // be no text at all and read back as no document.
            let implicit: Int32 = documents.count == 1 && !isEmptyScalar(document) ? 1 : 0
            yaml_document_start_event_initialize(&event, nil, nil, nil, implicit)
            try emit(&event)
            try emit(node: document)
            yaml_document_end_event_initialize(&event, 1)
            try emit(&event)
        }
        yaml_stream_end_event_initialize(&event)
        try emit(&event)
        return withExtendedLifetime(output) { String(decoding: output.bytes, as: UTF8.self) }
    }

    private func emit(node: Node) throws(YAMLError) {
        var event = yaml_event_t()
        switch node {
        case .scalar(let scalar):
            let style = scalarStyle(for: scalar)
            let implicit: Int32 = scalar.tag == nil ? 1 : 0
            let ok = withOptionalCString(scalar.tag) { tag in
                // NUL-terminated so the pointer is never nil, even for "".
                var value = Array(scalar.value.utf8) + [0]
                return value.withUnsafeMutableBufferPointer { buffer in
                    yaml_scalar_event_initialize(&event, nil, tag, buffer.baseAddress, Int32(buffer.count - 1), implicit, implicit, style)
                }
            }
            guard ok == 1 else { throw failure("libyaml refused a scalar") }
            try emit(&event)
        case .sequence(let sequence):
            let ok = withOptionalCString(sequence.tag) { tag in
                yaml_sequence_start_event_initialize(&event, nil, tag, sequence.tag == nil ? 1 : 0, YAML_BLOCK_SEQUENCE_STYLE)
            }
            guard ok == 1 else { throw failure("libyaml refused a sequence") }
            try emit(&event)
            for item in sequence.items { try emit(node: item) }
            yaml_sequence_end_event_initialize(&event)
            try emit(&event)
        case .mapping(let mapping):
            let ok = withOptionalCString(mapping.tag) { tag in
                yaml_mapping_start_event_initialize(&event, nil, tag, mapping.tag == nil ? 1 : 0, YAML_BLOCK_MAPPING_STYLE)
            }
            guard ok == 1 else { throw failure("libyaml refused a mapping") }
            try emit(&event)
            for pair in mapping.pairs {
                try emit(node: Self.spelledKey(pair.key))
                try emit(node: pair.value)
            }
            yaml_mapping_end_event_initialize(&event)
            try emit(&event)
        }
    }

    /// A null key written as nothing cannot be a simple key, and libyaml would
    /// quote it into the string `''`; `~` keeps it null.
    private static func spelledKey(_ key: Node) -> Node {
        guard case .scalar(var scalar) = key, scalar.value.isEmpty, scalar.tag == nil, scalar.resolved == .null else { return key }
        scalar.value = "~"
        scalar.style = .plain
        return .scalar(scalar)
    }

    private func isEmptyScalar(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.value.isEmpty }
        return false
    }

    private func scalarStyle(for scalar: Node.Scalar) -> yaml_scalar_style_t {
        switch scalar.style {
        case .plain:
            return YAML_PLAIN_SCALAR_STYLE
        case .any:
            if scalar.tag == nil, ScalarResolver.needsQuoting(scalar.value) { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
            return YAML_ANY_SCALAR_STYLE
        case .singleQuoted: return YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: return YAML_DOUBLE_QUOTED_SCALAR_STYLE
        case .literal: return YAML_LITERAL_SCALAR_STYLE
        case .folded: return YAML_FOLDED_SCALAR_STYLE
        }
    }

    private func emit(_ event: inout yaml_event_t) throws(YAMLError) {
        // yaml_emitter_emit takes ownership of the event, on failure too.
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            let problem = emitter.problem.map { String(cString: $0) } ?? "unknown emitter error"
            throw failure("libyaml could not emit the document: \(problem)")
        }
    }

    private func failure(_ message: String) -> YAMLError {
        YAMLError(file: "<emitter>", mark: Mark(line: 0, column: 0), message: message)
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafeMutablePointer<yaml_char_t>?) -> R) -> R {
    guard let string else { return body(nil) }
    var bytes = Array(string.utf8) + [0]
    return bytes.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
