internal import CLibYAML

/// Parses YAML text into value nodes with marks, through the system libyaml.
///
/// Anchors and aliases are resolved, merge keys (`<<: *base`, or a list of
/// aliases) are applied, duplicate keys are errors naming both places, and
/// ``ParserLimits`` bound size, depth and alias expansion.
public struct YAMLParser: Sendable {
    /// The bounds applied to every parse.
    public var limits: ParserLimits

    /// Creates a parser with the given limits.
    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Parses every document in `text`; `file` is used in error messages only.
    public func parse(_ text: String, file: String = "<input>") throws(YAMLError) -> [Node] {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses every document in raw bytes (UTF-8, optionally with a BOM).
    public func parse(bytes: [UInt8], file: String = "<input>") throws(YAMLError) -> [Node] {
        try parse(bytes: bytes, file: file, stream: nil)
    }

    /// Parses like ``parse(bytes:file:)``, but hands each item of the list
    /// under the first document's top-level `key` to `body` (with its index)
    /// as soon as the item is complete, instead of keeping it in the tree:
    /// that list is left empty in the result, and a file of many such items
    /// never holds all their nodes at once. The list is kept whole when it
    /// has an anchor or a tag, or comes in through a merge key (`<<`). If the
    /// parse throws, items already handed over belong to a file with an error.
    public func parse(
        bytes: [UInt8], file: String = "<input>", streamingItemsOf key: String, to body: @escaping (Node, Int) -> Void
    ) throws(YAMLError) -> [Node] {
        try parse(bytes: bytes, file: file, stream: ItemStream(key: key, body: body))
    }

    private func parse(bytes: [UInt8], file: String, stream: ItemStream?) throws(YAMLError) -> [Node] {
        // Checked before anything scans the input, so an oversized file costs nothing.
        guard bytes.count <= limits.maxInputBytes else {
            throw YAMLError(
                file: file, mark: Mark(line: 1, column: 1),
                message: "the input is \(bytes.count) bytes, over the limit of \(limits.maxInputBytes) bytes; split it into several files"
            )
        }
        if let nul = bytes.firstIndex(of: 0) {
            let source = SourceText(bytes: bytes)
            let mark = source.mark(ofByteOffset: nul)
            throw YAMLError(
                file: file, mark: mark,
                message: "the input contains a NUL byte; YAML must be text (is this a binary file?)",
                sourceLine: source.line(mark.line)
            )
        }
        var session = ParseSession(bytes: bytes, file: file, limits: limits, stream: stream)
        return try session.run()
    }

    /// Parses the single document in `text`; an empty input gives nil and
    /// several documents are an error.
    public func parseSingle(_ text: String, file: String = "<input>") throws(YAMLError) -> Node? {
        let documents = try parse(text, file: file)
        if documents.count > 1 {
            throw YAMLError(
                file: file, mark: documents[1].mark,
                message: "expected one YAML document but found \(documents.count); remove the extra `---`")
        }
        return documents.first
    }
}

/// The top-level list whose items go to `body` one by one.
private struct ItemStream {
    let key: String
    let body: (Node, Int) -> Void
}

/// One parse: owns the libyaml parser for its lifetime and builds the tree.
///
/// A noncopyable struct used as a local, not a class: every event touches its
/// stack and anchors, and a class's stored properties pay a dynamic
/// exclusivity check on each access (about 5 % of a 10,000-client parse).
/// libyaml's parser points at itself, so it lives at a fixed heap address.
private struct ParseSession: ~Copyable {
    private let bytes: [UInt8]
    /// The line table, built only when an error needs a source line (most
    /// parses never do, and a 10,000-client file has 50,000 lines).
    private lazy var source = SourceText(bytes: bytes)
    private let file: String
    private let limits: ParserLimits
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var anchors: [String: (node: Node, weight: Int)] = [:]
    private var expanded = 0
    private var stack: [Frame] = []
    private var documents: [Node] = []
    private let stream: ItemStream?

    init(bytes: [UInt8], file: String, limits: ParserLimits, stream: ItemStream?) {
        self.bytes = bytes
        self.file = file
        self.limits = limits
        self.stream = stream
        parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deinitialize(count: 1)
        parser.deallocate()
    }

    mutating func run() throws(YAMLError) -> [Node] {
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(file: file, mark: Mark(line: 1, column: 1), message: "libyaml could not allocate a parser")
        }
        let result: Result<[Node], YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            do throws(YAMLError) {
                try loop()
                return .success(documents)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func loop() throws(YAMLError) {
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw libyamlError()
            }
            defer { yaml_event_delete(&event) }
            let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll()
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                let value = string(data.value, length: data.length)
                let endMark = Mark(line: Int(event.end_mark.line) + 1, column: Int(event.end_mark.column) + 1)
                let scalar = Node.Scalar(value, tag: optionalString(data.tag), style: style(data.style), mark: mark, endMark: endMark)
                try complete(.scalar(scalar), weight: 1, anchor: optionalString(data.anchor), mark: mark)
            case YAML_ALIAS_EVENT:
                let name = optionalString(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    throw error(at: mark, "unknown alias `*\(name)`; define `&\(name)` before using it")
                }
                expanded += target.weight
                if expanded > limits.maxAliasExpansion {
                    throw error(
                        at: mark,
                        "aliases expand to more than \(limits.maxAliasExpansion) nodes; this looks like a \"billion laughs\" document")
                }
                try complete(target.node, weight: target.weight, anchor: nil, mark: mark)
            case YAML_SEQUENCE_START_EVENT:
                let data = event.data.sequence_start
                var frame = Frame(sequenceWithTag: optionalString(data.tag), anchor: optionalString(data.anchor), mark: mark)
                frame.streamsItems = streams(frame)
                try push(frame, mark: mark)
            case YAML_MAPPING_START_EVENT:
                let data = event.data.mapping_start
                try push(Frame(mappingWithTag: optionalString(data.tag), anchor: optionalString(data.anchor), mark: mark), mark: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                try complete(frame.build(), weight: frame.weight, anchor: frame.anchor, mark: frame.mark)
            default:
                continue
            }
        }
    }

    private mutating func push(_ frame: Frame, mark: Mark) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw error(at: mark, "nesting is deeper than \(limits.maxDepth) levels")
        }
        stack.append(frame)
    }

    private mutating func complete(_ node: Node, weight: Int, anchor: String?, mark: Mark) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, weight) }
        let last = stack.count - 1
        guard last >= 0 else {
            documents.append(node)
            return
        }
        if stack[last].streamsItems, let stream {
            stream.body(node, stack[last].skip(weight: weight))
            return
        }
        // The line table only for a duplicate-key error (built from the bytes: the session is busy).
        let bytes = bytes
        let file = file
        try stack[last].add(node, weight: weight, file: file, source: { SourceText(bytes: bytes) })
    }

    /// Whether a list just started is the streamed one: the value of the
    /// stream's key in the first document's top-level mapping, with no anchor
    /// (an alias would find it empty) and no tag.
    private func streams(_ frame: Frame) -> Bool {
        guard let stream, documents.isEmpty, stack.count == 1, frame.anchor == nil, frame.tag == nil else { return false }
        return stack[0].pendingKey?.scalar.map { $0.value == stream.key && $0.style == .plain && $0.tag == nil } ?? false
    }

    private mutating func error(at mark: Mark, _ message: String, notes: [String] = []) -> YAMLError {
        YAMLError(file: file, mark: mark, message: message, notes: notes, sourceLine: source.line(mark.line))
    }

    private mutating func libyamlError() -> YAMLError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "malformed YAML"
        if parser.pointee.error == YAML_READER_ERROR {
            var offset = Int(parser.pointee.problem_offset)
            // libyaml points at a bad continuation byte; show where the character starts.
            while problem.contains("trailing"), offset > 0, offset < source.bytes.count, source.bytes[offset] & 0xC0 != 0xC0 {
                offset -= 1
            }
            let mark = source.mark(ofByteOffset: offset)
            var message = problem
            if problem.contains("UTF-8") || problem.contains("utf-8") {
                message = "the input is not valid UTF-8 (\(problem)); save the file as UTF-8"
            }
            return error(at: mark, message)
        }
        let mark = Mark(line: Int(parser.pointee.problem_mark.line) + 1, column: Int(parser.pointee.problem_mark.column) + 1)
        var message = problem
        var notes: [String] = []
        if let context = parser.pointee.context.map({ String(cString: $0) }) {
            let contextMark = Mark(line: Int(parser.pointee.context_mark.line) + 1, column: Int(parser.pointee.context_mark.column) + 1)
            if context.contains("quoted scalar") && problem.contains("end of stream") {
                return error(at: contextMark, "unterminated quoted string; add the closing quote")
            }
            message += " \(context)"
            if contextMark != mark { notes.append("\(context.replacingFirstWhile()) started at \(contextMark.line):\(contextMark.column)") }
        }
        if source.character(at: mark) == "\t" {
            message = "a tab character cannot be used for indentation; indent with spaces"
        }
        return error(at: mark, message, notes: notes)
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private func style(_ style: yaml_scalar_style_t) -> Node.Scalar.Style {
        switch style {
        case YAML_PLAIN_SCALAR_STYLE: .plain
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .any
        }
    }
}

extension String {
    /// "while scanning a quoted scalar" → "scanning a quoted scalar".
    fileprivate func replacingFirstWhile() -> String {
        hasPrefix("while ") ? String(dropFirst(6)) : self
    }
}
