import FuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

/// The harness chosen by `TOKENSMITH_FUZZ_TARGET` (one of `FuzzTarget`'s raw values).
nonisolated(unsafe) private var selected: FuzzTarget = .yaml

/// libFuzzer calls this once before fuzzing: picks the harness.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    let name = getenv("TOKENSMITH_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        let message = "tokensmith-fuzz: set TOKENSMITH_FUZZ_TARGET to one of: \(known)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    selected = target
    return 0
}

/// libFuzzer calls this for every input; a broken property is a crash it records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try selected.run(bytes)
    } catch {
        fatalError("\(selected.rawValue): \(error.description)")
    }
    return 0
}
