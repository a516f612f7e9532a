import Foundation
import Logging
import NIOConcurrencyHelpers
import Provisioner

/// A swift-log handler that writes one line per event to standard error:
/// `tokensmith: warning: message key=value` in text form, or one JSON object
/// per line (`{"time":…,"level":…,"message":…,…}`) for log collectors.
///
/// Callers never pass secrets or tokens in messages or metadata; this handler
/// adds none of its own.
struct LineLogHandler: LogHandler {
    let json: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(json: Bool, level: Logger.Level) {
        self.json = json
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = json ? jsonLine(event, merged) : textLine(event, merged)
        StandardErrorLock.write(line + "\n")
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        var line = "tokensmith: \(event.level == .info ? "" : "\(event.level): ")\(event.message)"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(metadata[key].map { "\($0)" } ?? "")"
        }
        return line
    }

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        var line =
            "{\"time\":\(quoted(RFC3339.string(from: Date()))),\"level\":\(quoted(event.level.rawValue)),\"message\":\(quoted(event.message.description))"
        for key in metadata.keys.sorted() {
            line += ",\(quoted(key)):\(value(metadata[key]))"
        }
        return line + "}"
    }

    private func value(_ value: Logger.Metadata.Value?) -> String {
        switch value {
        case .string(let text)?: quoted(text)
        case .stringConvertible(let convertible)?:
            if let number = convertible as? Int {
                "\(number)"
            } else if let number = convertible as? Double {
                "\(number)"
            } else {
                quoted(convertible.description)
            }
        case .array(let items)?: "[" + items.map { self.value($0) }.joined(separator: ",") + "]"
        case .dictionary(let dictionary)?:
            "{" + dictionary.keys.sorted().map { "\(quoted($0)):\(self.value(dictionary[$0]))" }.joined(separator: ",") + "}"
        case nil: "null"
        }
    }

    private func quoted(_ text: String) -> String {
        JSONLiteral.string(text)
    }
}

/// Serialises writes to standard error so progress and log lines never interleave.
enum StandardErrorLock {
    private static let lock = NIOLock()

    static func write(_ text: String) {
        lock.withLock { FileHandle.standardError.write(Data(text.utf8)) }
    }
}
