import Testing
import YAMLKit
#if canImport(Glibc)
    import Glibc
#endif

@Suite("Speed log")
struct ParseSpeedLog {
    /// Prints how long 10,000 small mappings take to parse; a figure for the
    /// log, not an assertion (timing belongs in Benchmarks/).
    @Test("10,000 small mappings parse, and the time is logged")
    func tenThousandMappings() throws {
        var text = "clients:\n"
        for index in 0..<10_000 {
            text += "  - name: client-\(index)\n    client_id: id-\(index)\n    scope: [a, b]\n"
        }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let root = try #require(try YAMLParser().parseSingle(text)?.mapping)
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let ms = Double(end.tv_sec - start.tv_sec) * 1000 + Double(end.tv_nsec - start.tv_nsec) / 1_000_000
        #expect(root["clients"]?.sequence?.items.count == 10_000)
        print("YAMLKit: parsed 10,000 mappings (\(text.utf8.count) bytes) in \(Int(ms)) ms")
    }
}
