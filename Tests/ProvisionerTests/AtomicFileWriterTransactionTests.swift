import Foundation
@testable import Provisioner
import Testing
#if canImport(Glibc)
    import Glibc
#endif

@Suite("AtomicFileWriter: transactions")
struct AtomicFileWriterTransactionTests {
    @Test("commit writes every staged file; nothing is visible before it")
    func commit() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try writer.write(Array("old".utf8), to: "a/1")
        let transaction = writer.transaction()
        for index in 0..<50 {
            try transaction.stage(
                Array("new \(index)".utf8), to: "\(["a", "b/c", "d"][index % 3])/\(index)", mode: index == 1 ? 0o640 : 0o600)
        }
        #expect(folder.read("a/1") == Array("old".utf8), "staged is not visible")
        #expect(transaction.stagedCount == 50)
        let outcomes = try transaction.commit()
        #expect(outcomes.count == 50 && outcomes.allSatisfy { $0 == .written })
        for index in 0..<50 {
            #expect(folder.read("\(["a", "b/c", "d"][index % 3])/\(index)") == Array("new \(index)".utf8))
        }
        #expect(fileInfo(folder.file("b/c/1"))?.st_mode == S_IFREG | 0o640)
        #expect(fileInfo(folder.file("a/0"))?.st_mode == S_IFREG | 0o600)
        for sub in ["a", "b/c", "d"] {
            #expect(!folder.entries(sub).contains { $0.hasPrefix(TemporaryName.prefix) })
        }
    }

    @Test("paths in one folder in a row, absolute or with `.` and `..`, land where they name; none leaves the root")
    func placesByFolder() throws {
        let folder = try ScratchFolder()
        let transaction = AtomicFileWriter(root: folder.path).transaction()
        // A last component `..` names an entry of the folder above: it must not
        // teach the next path of folder `k/l` that `k/l` is the root.
        try transaction.stage(Array("3".utf8), to: "k/l/..")
        try transaction.stage(Array("3".utf8), to: "k/l/z")
        // `k` is staged as a file and as a folder: look at the staged files, then abort.
        #expect(folder.entries("k/l").contains { $0.hasPrefix(TemporaryName.prefix) })
        #expect(!folder.entries("").contains { $0 == "z" })
        transaction.abort()
        let second = AtomicFileWriter(root: folder.path).transaction()
        for name in ["one", "two", "three"] { try second.stage(Array(name.utf8), to: "a/b/\(name)") }
        try second.stage(Array("four".utf8), to: "\(folder.path)/a/b/four")
        try second.stage(Array("five".utf8), to: "a/./b/../b/five")
        #expect(throws: FileWriteError.self) { try second.stage(Array("x".utf8), to: "a/b/../../../escape") }
        _ = try second.commit()
        for name in ["one", "two", "three", "four", "five"] {
            #expect(folder.read("a/b/\(name)") == Array(name.utf8), "\(name)")
        }
    }

    @Test("abort leaves every target untouched and no temporary files")
    func abort() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try writer.write(Array("old".utf8), to: "out/keep")
        let before = try #require(fileInfo(folder.file("out/keep")))
        let transaction = writer.transaction()
        try transaction.stage(Array("new".utf8), to: "out/keep")
        try transaction.stage(Array("x".utf8), to: "out/other")
        #expect(folder.entries("out").filter { $0.hasPrefix(TemporaryName.prefix) }.count == 2)
        transaction.abort()
        #expect(folder.entries("out") == ["keep"])
        #expect(folder.read("out/keep") == Array("old".utf8))
        #expect(fileInfo(folder.file("out/keep"))?.st_ino == before.st_ino)
    }

    @Test("a transaction dropped without commit aborts")
    func dropped() throws {
        let folder = try ScratchFolder()
        do {
            let transaction = AtomicFileWriter(root: folder.path).transaction()
            try transaction.stage([1], to: "x")
        }
        #expect(folder.entries().isEmpty)
    }

    @Test("unchanged files are left alone at commit; a mode change is still applied")
    func unchanged() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try writer.write([1, 2], to: "same")
        try writer.write([1, 2], to: "chmod")
        let before = try #require(fileInfo(folder.file("same")))
        let transaction = writer.transaction()
        try transaction.stage([1, 2], to: "same")
        try transaction.stage([1, 2], to: "chmod", mode: 0o644)
        try transaction.stage([3], to: "new")
        #expect(try transaction.commit() == [.unchanged, .modeChanged, .written])
        let after = try #require(fileInfo(folder.file("same")))
        #expect(after.st_ino == before.st_ino && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(fileInfo(folder.file("chmod"))?.st_mode == S_IFREG | 0o644)
    }

    @Test("the same target twice in one transaction is refused, also when spelled differently")
    func duplicate() throws {
        let folder = try ScratchFolder()
        let transaction = AtomicFileWriter(root: folder.path).transaction()
        try transaction.stage([1], to: "out/a")
        #expect { try transaction.stage([2], to: "./out/../out/a") } throws: { ($0 as? FileWriteError)?.code == .duplicateTarget }
        transaction.abort()
        #expect(folder.entries("out").isEmpty)
    }

    @Test("10,000 files in one transaction are made durable with one syncfs")
    func many() async throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        let clock = ContinuousClock()
        let bytes = Array("ACCESS_TOKEN=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nTOKEN_TYPE=Bearer\n".utf8)
        // Writing, syncing and removing 10,000 files blocks for seconds: on a
        // dedicated thread, so the concurrency pool stays free for other tests.
        // Times are printed for people; what is asserted is the number of
        // durability calls (one syncfs for the file system, not 10,000 fsyncs).
        let (staging, committing, syncCalls) = try await onDedicatedThread {
            let transaction = writer.transaction()
            let staging = try clock.measure {
                for index in 0..<10_000 { try transaction.stage(bytes, to: "out/client-\(index).env") }
            }
            let committing = try clock.measure { try transaction.commit() }
            return (staging, committing, transaction.fileSyncCalls)
        }
        #expect(folder.entries("out").count == 10_000)
        #expect(syncCalls == 1, "\(syncCalls) calls made the staged files durable")
        let (unchanged, unchangedSyncCalls) = try await onDedicatedThread {
            let second = writer.transaction()
            let elapsed = try clock.measure {
                for index in 0..<10_000 { try second.stage(bytes, to: "out/client-\(index).env") }
                try second.commit()
            }
            return (elapsed, second.fileSyncCalls)
        }
        // Unchanged files are not rewritten, so nothing needs syncing.
        #expect(unchangedSyncCalls == 0)
        print("AtomicFileWriter: 10,000 files staged in \(staging), committed in \(committing); unchanged re-run \(unchanged)")
        await folder.remove()
    }
}
