import YAMLKit

/// An output's `notify`: one entry or a list, each a command or a signal.
extension FileDecoder {
    static let commandNotifyKeys = ["command", "shell", "timeout"]
    static let signalNotifyKeys = ["signal", "pid_file"]
    /// How long a notify command may run by default.
    static let defaultNotifyTimeout: Duration = .seconds(30)

    func decodeNotify(_ node: Node, path: @autoclosure () -> String) -> [NotifyAction] {
        if node.scalar?.resolved == .null { return [] }
        if let sequence = node.sequence {
            return sequence.items.enumerated().compactMap { index, item in decodeNotifier(item, path: "\(path())[\(index)]") }
        }
        return decodeNotifier(node, path: path()).map { [$0] } ?? []
    }

    private func decodeNotifier(_ node: Node, path: @autoclosure () -> String) -> NotifyAction? {
        guard let block = node.mapping else {
            error(
                "each `notify` entry must be a mapping such as `{command: [nginx, -s, reload]}` or `{signal: HUP, pid_file: /run/app.pid}`, not \(node.kindDescription)",
                at: node.mark, path: path())
            return nil
        }
        let fields = fields(of: block, allowed: Self.commandNotifyKeys + Self.signalNotifyKeys, path: path(), context: "in `notify`")
        let isCommand = fields["command"] != nil
        let isSignal = fields["signal"] != nil
        guard isCommand != isSignal else {
            error(
                isCommand
                    ? "a `notify` entry either runs a `command` or sends a `signal`; split them into two entries"
                    : "a `notify` entry needs `command` (an argument list) or `signal` with `pid_file`",
                at: block.mark, path: path())
            return nil
        }
        let allowed = isCommand ? Self.commandNotifyKeys : Self.signalNotifyKeys
        for pair in block.pairs {
            guard let key = pair.key.scalar?.value, !allowed.contains(key),
                (Self.commandNotifyKeys + Self.signalNotifyKeys).contains(key)
            else { continue }
            error("`\(key)` does not go with `\(isCommand ? "command" : "signal")`; remove it", at: pair.key.mark, path: "\(path()).\(key)")
        }
        return isCommand ? decodeCommand(fields, path: path()) : decodeSignal(fields, at: block.mark, path: path())
    }

    private func decodeCommand(_ fields: FieldSet, path: @autoclosure () -> String) -> NotifyAction? {
        guard let commandPair = fields["command"] else { return nil }
        let shell = fields["shell"].flatMap { bool($0.value, key: "shell", path: path() + ".shell") } ?? false
        var timeout = Self.defaultNotifyTimeout
        if let pair = fields["timeout"], let value = duration(pair.value, key: "timeout", path: path() + ".timeout") {
            timeout = value
        }
        let arguments: [String]
        if shell {
            guard let text = string(commandPair.value, key: "command", path: path() + ".command") else { return nil }
            arguments = ["/bin/sh", "-c", text.value]
        } else {
            guard commandPair.value.sequence != nil else {
                error(
                    "`command` is an argument list such as `[nginx, -s, reload]`; for a shell command line add `shell: true`",
                    at: commandPair.value.mark, path: path() + ".command")
                return nil
            }
            guard let items = stringList(commandPair.value, key: "command", path: path() + ".command") else { return nil }
            guard let first = items.first, !first.value.isEmpty else {
                error("`command` needs at least the program to run", at: commandPair.value.mark, path: path() + ".command")
                return nil
            }
            arguments = items.map(\.value)
        }
        return .command(arguments: arguments, timeout: timeout)
    }

    private func decodeSignal(_ fields: FieldSet, at mark: Mark, path: @autoclosure () -> String) -> NotifyAction? {
        guard let signalPair = fields["signal"], let text = string(signalPair.value, key: "signal", path: path() + ".signal") else {
            return nil
        }
        guard let signal = NotifySignal(parsing: text.value) else {
            error(
                "`signal` must be one of \(NotifySignal.allCases.map(\.name).joined(separator: ", ")), not `\(Self.clip(text.value))`",
                at: text.mark, path: path() + ".signal")
            return nil
        }
        guard let pidPair = fields["pid_file"] else {
            error("`signal` needs `pid_file`, the file holding the process id to signal", at: mark, path: path() + ".pid_file")
            return nil
        }
        // The PID file may not exist yet (the consumer starts later): it is read when the signal is sent.
        guard let pidFile = string(pidPair.value, key: "pid_file", path: path() + ".pid_file") else { return nil }
        return .signal(signal, pidFile: PathResolution.resolve(pidFile.value, against: directory))
    }
}
