import Foundation
import Provisioner
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// `lstat` of a path: mode bits, inode and modification time.
func fileInfo(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
}

@Suite("AtomicFileWriter: single writes")
struct AtomicFileWriterTests {
    @Test("writes the bytes, creates folders 0700, files 0600 by default")
    func basics() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        #expect(try writer.write(Array("hello\n".utf8), to: "out/deep/a.env") == .written)
        #expect(folder.read("out/deep/a.env") == Array("hello\n".utf8))
        #expect(fileInfo(folder.file("out"))?.st_mode == S_IFDIR | 0o700)
        #expect(fileInfo(folder.file("out/deep"))?.st_mode == S_IFDIR | 0o700)
        #expect(fileInfo(folder.file("out/deep/a.env"))?.st_mode == S_IFREG | 0o600)
        #expect(folder.entries("out/deep") == ["a.env"], "no temporary file stays behind")
    }

    @Test("`mode:` is honoured exactly, whatever the umask", arguments: [0o600, 0o640, 0o644, 0o400, 0o660] as [UInt16])
    func mode(mode: UInt16) throws {
        let folder = try ScratchFolder()
        let previous = umask(0o077)
        defer { umask(previous) }
        try AtomicFileWriter(root: folder.path).write([1, 2, 3], to: "f", mode: mode)
        #expect(fileInfo(folder.file("f"))?.st_mode == S_IFREG | mode_t(mode))
    }

    @Test("a mode outside 0777 is refused")
    func badMode() throws {
        let folder = try ScratchFolder()
        #expect { try AtomicFileWriter(root: folder.path).write([1], to: "f", mode: 0o4755) } throws: {
            ($0 as? FileWriteError)?.code == .invalidMode
        }
    }

    @Test("replaces content atomically: new inode, old content gone")
    func replace() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try writer.write(Array("one".utf8), to: "f")
        let before = try #require(fileInfo(folder.file("f")))
        try writer.write(Array("two!".utf8), to: "f")
        let after = try #require(fileInfo(folder.file("f")))
        #expect(folder.read("f") == Array("two!".utf8))
        #expect(before.st_ino != after.st_ino, "a rename, not an in-place rewrite")
    }

    @Test("unchanged content is not rewritten: same inode and mtime; a changed mode is still applied")
    func unchanged() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        let bytes = Array("same content\n".utf8)
        try writer.write(bytes, to: "f")
        let before = try #require(fileInfo(folder.file("f")))
        usleep(20_000)
        #expect(try writer.write(bytes, to: "f") == .unchanged)
        let after = try #require(fileInfo(folder.file("f")))
        #expect(before.st_ino == after.st_ino)
        #expect(before.st_mtim.tv_sec == after.st_mtim.tv_sec && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec)
        #expect(try writer.write(bytes, to: "f", mode: 0o640) == .modeChanged)
        let chmodded = try #require(fileInfo(folder.file("f")))
        #expect(chmodded.st_ino == before.st_ino && chmodded.st_mode == S_IFREG | 0o640)
        #expect(try writer.write(bytes + [0x0A], to: "f", mode: 0o640) == .written)
    }

    @Test("`..` that leaves the root is refused; `..` that stays inside is fine")
    func dotDot() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.file("root"))
        for path in ["../escape", "out/../../escape", "/etc/passwd", folder.path + "/escape", "..", "."] {
            #expect(throws: FileWriteError.self, "\(path)") { try writer.write([1], to: path) }
        }
        #expect { try writer.write([1], to: "a/../../x") } throws: { ($0 as? FileWriteError)?.code == .escapesRoot }
        #expect(!FileManager.default.fileExists(atPath: folder.file("escape")))
        try writer.write([1], to: "a/../inside")
        try writer.write([2], to: folder.file("root/abs/inside"))
        #expect(folder.read("root/inside") == [1] && folder.read("root/abs/inside") == [2])
    }

    @Test("a symbolic link anywhere below the root is refused: folder, final name, dangling")
    func symlinks() throws {
        let folder = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: folder.file("root/real"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.file("outside"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/linked"), withDestinationPath: folder.file("outside"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/inner"), withDestinationPath: "real")
        try FileManager.default.createSymbolicLink(
            atPath: folder.file("root/real/final.env"), withDestinationPath: folder.file("outside/victim"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/real/dangling.env"), withDestinationPath: "/nonexistent/x")
        let writer = AtomicFileWriter(root: folder.file("root"))
        for path in ["linked/a.env", "linked/new/a.env", "inner/a.env", "real/final.env", "real/dangling.env"] {
            #expect { try writer.write([1], to: path) } throws: { error in
                guard let error = error as? FileWriteError else { return false }
                return error.code == .symbolicLink && error.description.contains("symbolic link")
            }
        }
        #expect(folder.entries("outside").isEmpty, "nothing was written through a link")
        #expect(folder.entries("root/real") == ["dangling.env", "final.env"], "no temporary file stays behind")
        let transaction = writer.transaction()
        #expect(throws: FileWriteError.self) { try transaction.stage([1], to: "linked/a.env") }
        transaction.abort()
    }

    @Test("a folder or special file in the way is refused")
    func notRegular() throws {
        let folder = try ScratchFolder()
        let writer = AtomicFileWriter(root: folder.path)
        try FileManager.default.createDirectory(atPath: folder.file("dir"), withIntermediateDirectories: true)
        try writer.write([1], to: "file")
        #expect { try writer.write([1], to: "dir") } throws: { ($0 as? FileWriteError)?.code == .notRegularFile }
        #expect { try writer.write([1], to: "file/x") } throws: { ($0 as? FileWriteError)?.code == .notRegularFile }
        #expect(mkfifo(folder.file("fifo"), 0o600) == 0)
        #expect { try writer.write([1], to: "fifo") } throws: { ($0 as? FileWriteError)?.code == .notRegularFile }
    }

    @Test("stale temporary files older than the threshold are removed, fresh ones and others kept")
    func staleCleanup() throws {
        let folder = try ScratchFolder()
        let old = try folder.write(TemporaryName.prefix + "old", [1])
        _ = try folder.write(TemporaryName.prefix + "fresh", [2])
        _ = try folder.write("keep.env", [3])
        var times = [timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, old, &times, 0) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file(TemporaryName.prefix + "link"), withDestinationPath: "keep.env")
        #expect(try StaleTemporaryFiles.remove(in: folder.path, olderThanMinutes: 10) == 1)
        #expect(folder.entries() == [TemporaryName.prefix + "fresh", TemporaryName.prefix + "link", "keep.env"])
        #expect(try StaleTemporaryFiles.remove(in: folder.path, olderThanMinutes: 0) == 1)
        #expect(folder.entries() == [TemporaryName.prefix + "link", "keep.env"])
        #expect(try StaleTemporaryFiles.remove(in: folder.file("missing"), olderThanMinutes: 0) == 0)
    }
}
