import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif
@testable import Provisioner

/// Taking back a staged file, cleaning what killed runs left, the outputs
/// digest with dropped keys and the output file stamp.
@Suite("Output files: discard, stale cleanup, digest and stamp")
struct FileDiscardAndCleanupTests {
    static func age(_ path: String, seconds: Int) {
        var times = [timespec(tv_sec: time(nil) - seconds, tv_nsec: 0), timespec(tv_sec: time(nil) - seconds, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test("a discarded file keeps its old content, leaves no temporary file, is not counted and may be staged again")
    func discard() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try writer.write(Array("old".utf8), to: "out/a")
        let transaction = writer.transaction()
        try transaction.stage(Array("new a".utf8), to: "out/a")
        try transaction.stage(Array("new b".utf8), to: "out/b")
        transaction.discard(folder.file("out/a"))
        #expect(transaction.stagedCount == 1)
        #expect(folder.entries("out").filter { $0.hasPrefix(TemporaryName.prefix) }.count == 1)
        try transaction.stage(Array("again".utf8), to: "out/c")
        transaction.discard("out/c")
        #expect(try transaction.commit() == [.written])
        #expect(folder.read("out/a") == Array("old".utf8))
        #expect(folder.read("out/b") == Array("new b".utf8))
        #expect(folder.entries("out") == ["a", "b"])
    }

    @Test("stale temporary files go from every folder of the given paths, once each; links below the root are not followed")
    func cleanupByPaths() throws {
        let folder = try ScratchFolder()
        for sub in ["a", "b", "c"] { try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true) }
        for sub in ["a", "b", "c"] {
            _ = try folder.write("\(sub)/\(TemporaryName.prefix)old", [1])
            Self.age(folder.file("\(sub)/\(TemporaryName.prefix)old"), seconds: 3600)
        }
        _ = try folder.write("a/\(TemporaryName.prefix)fresh", [2])
        _ = try folder.write("a/keep.env", [3])
        Self.age(folder.file("a/keep.env"), seconds: 3600)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: "b")
        let removed = StaleTemporaryFiles.remove(
            foldersOf: [folder.file("a/x.env"), "a/y.env", "link/z.env", "missing/w.env", "-"], root: folder.path, olderThanMinutes: 10)
        #expect(removed == 1)
        #expect(folder.entries("a") == [TemporaryName.prefix + "fresh", "keep.env"])
        #expect(folder.entries("b") == [TemporaryName.prefix + "old"], "a folder reached through a link was cleaned")
        #expect(folder.entries("c") == [TemporaryName.prefix + "old"], "a folder the paths do not name was cleaned")
    }

    @Test("a run's cleanup covers its clients' and aggregates' folders, written or not, and no other")
    func runCleanup() throws {
        let folder = try ScratchFolder()
        for sub in ["own", "all", "other"] {
            try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true)
            _ = try folder.write("\(sub)/\(TemporaryName.prefix)old", [1])
            Self.age(folder.file("\(sub)/\(TemporaryName.prefix)old"), seconds: 3600)
        }
        let client = ClientDefinition(
            name: "a", issuerName: "corp", clientID: "a", auth: ClientAuthDefinition(method: .none),
            outputs: [OutputSpec(format: .json, path: folder.file("own/a.json"))],
            location: SourceLocation(file: "m.yaml", line: 1, column: 1))
        let manifest = Manifest(
            files: [Manifest.File(path: "m.yaml", directory: folder.path, outputRoot: folder.path)], defaults: Defaults.builtIn,
            issuers: [], clients: [client],
            outputs: [OutputSpec(format: .json, path: folder.file("all/all.json"))])
        OutputStage.removeStaleTemporaryFiles(manifest: manifest, selected: [client], aggregate: manifest.outputs)
        #expect(folder.entries("own") == [])
        #expect(folder.entries("all") == [])
        #expect(folder.entries("other") == [TemporaryName.prefix + "old"])
    }

    @Test("dropping a key changes the outputs digest; outputs that drop nothing keep the digest pinned elsewhere")
    func digestWithDrops() {
        let plain = OutputSpec(format: .json, path: "/o/a.json")
        var dropping = plain
        dropping.droppedKeys = [.expiresAt]
        var droppingTwo = plain
        droppingTwo.droppedKeys = [.expiresAt, .scope]
        let digests = Set([plain, dropping, droppingTwo].map { OutputStage.outputsDigest([$0]) })
        #expect(digests.count == 3)
    }

    @Test("the file stamp changes on an edit that keeps size and modification time, and on removal; not by itself")
    func stamp() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("a.env", Array("A=1\n".utf8))
        Self.age(path, seconds: 100)
        let first = OutputFileStamp.of([path, "-"])
        #expect(OutputFileStamp.of([path]) == first)
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        usleep(10_000)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data("A=2\n".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        #expect(OutputFileStamp.of([path]) != first, "an edit hidden by restoring size and mtime went unnoticed")
        let edited = OutputFileStamp.of([path])
        try FileManager.default.removeItem(atPath: path)
        #expect(OutputFileStamp.of([path]) != edited)
    }

    @Test("the stamp is the SHA-256 of `dev:ino:size:mode:mtime:ns:ctime:ns:` lines in decimal, as state files already hold it")
    func stampFormat() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("b.env", Array("B=1\n".utf8))
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let fields = [
            Int(truncatingIfNeeded: info.st_dev), Int(truncatingIfNeeded: info.st_ino), Int(info.st_size), Int(info.st_mode),
            Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec),
        ]
        let text = fields.map { "\($0):" }.joined() + "\n" + "-\n"
        #expect(OutputFileStamp.of([path, folder.file("missing")]) == SHA256Digest.hex(of: Array(text.utf8)))
        for value in [0, 7, 10, -1, -10, 1_796_289_346, 999_999_999, Int.max, Int.min] {
            var bytes: [UInt8] = [0x2A]
            OutputFileStamp.appendDecimal(value, to: &bytes)
            #expect(bytes == [0x2A] + Array(String(value).utf8), "\(value)")
        }
    }
}
