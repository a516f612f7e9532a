import Foundation
import Provisioner
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Crash safety: a writer killed with SIGKILL at random moments never leaves a
/// partial file under a target name, and temporary files do not pile up.
///
/// How the child process is made: `fork()` inside this multi-threaded test
/// process would be unsound (the child could inherit a lock held by another
/// thread, for example inside malloc, and the Swift runtime is not
/// async-signal-safe), and Package.swift has no helper executable. So the test
/// re-executes its own test binary (`/proc/self/exe`, the SwiftPM test runner)
/// through `posix_spawn`, with Swift Testing's `--filter` selecting only
/// ``AtomicFileWriterCrashChild`` and an environment variable naming the
/// folder. That test is disabled unless the variable is set, so in a normal
/// run it is simply skipped; in the child it runs the real `AtomicFileWriter`
/// code in a loop until killed. Two children run side by side (two cores) to
/// get a few hundred kills within about half a minute.
///
/// The rule for temporary files: a killed run leaves at most the temporary
/// files it had open (here at most 3: one single write or a batch of three);
/// the next run removes leftovers with ``StaleTemporaryFiles`` when it starts
/// (the child does so with a threshold of 0 minutes because nothing else
/// writes its folder; the tool uses minutes, to spare a concurrent run), so
/// after every kill at most 3 are present, and after the final cleanup none.
@Suite("AtomicFileWriter: kill -9 while writing", .serialized)
struct AtomicFileWriterCrashTests {
    static let folderVariable = "TOKENSMITH_CRASH_CHILD_DIR"
    static let targets = ["single.bin", "batch-0.bin", "batch-1.bin", "batch-2.bin"]

    /// The content of version `n` of a target: a header naming version and
    /// length, then bytes derived from both, so any truncation or mix shows.
    static func content(version n: Int, salt: Int) -> [UInt8] {
        let length = 1000 + (n &* 7919 &+ salt &* 104_729) % 300_000
        var bytes = Array("v=\(n);len=\(length);".utf8)
        bytes.reserveCapacity(bytes.count + length)
        var state = UInt32(truncatingIfNeeded: n &* 2_654_435_761 &+ salt)
        for _ in 0..<length {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        return bytes
    }

    /// The version a file holds if it is a complete, valid version, else nil.
    static func validVersion(_ bytes: [UInt8], salt: Int) -> Int? {
        guard let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")),
            bytes.starts(with: Array("v=".utf8)),
            let version = Int(String(decoding: bytes[2..<semicolon], as: UTF8.self))
        else { return nil }
        return content(version: version, salt: salt) == bytes ? version : nil
    }

    @Test("SIGKILL at random points: targets are always an old or new complete version")
    func killRepeatedly() async throws {
        let kills = 300
        let folders = try (0..<2).map { _ in try ScratchFolder() }
        let results = try await withThrowingTaskGroup(of: (kills: Int, interrupted: Int, problems: [String]).self) { group in
            for (lane, path) in folders.map(\.path).enumerated() {
                // On its own thread: the loop blocks for seconds and must not
                // hold one of the few cooperative threads other tests need.
                group.addTask { try await onDedicatedThread { try Self.killLoop(folder: path, kills: kills / 2, seed: UInt64(lane + 1)) } }
            }
            var all: [(kills: Int, interrupted: Int, problems: [String])] = []
            for try await result in group { all.append(result) }
            return all
        }
        let problems = results.flatMap(\.problems)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(results.map(\.kills).reduce(0, +) == kills)
        let interrupted = results.map(\.interrupted).reduce(0, +)
        print("AtomicFileWriter crash test: \(kills) kills, \(interrupted) of them left a temporary file (killed mid-write)")
        #expect(interrupted > 0, "no kill landed while a temporary file existed; the test did not exercise a crash mid-write")
        for folder in folders {
            // Whatever the last kill left is removed by the cleanup rule.
            try StaleTemporaryFiles.remove(in: folder.path, olderThanMinutes: 0)
            #expect(folder.entries().filter { $0.hasPrefix(TemporaryName.prefix) }.isEmpty)
            #expect(folder.entries().filter { !$0.hasPrefix(TemporaryName.prefix) } == (Self.targets + ["ready"]).sorted())
        }
    }

    /// Spawns the child, waits until it has written once, kills it after a
    /// random delay, checks the folder; `kills` times.
    private static func killLoop(folder: String, kills: Int, seed: UInt64) throws -> (kills: Int, interrupted: Int, problems: [String]) {
        var random = SplitMix(seed: seed)
        var problems: [String] = []
        var lastVersion: [String: Int] = [:]
        let executable = try #require(try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var done = 0
        var interrupted = 0
        for round in 0..<kills {
            unlink(folder + "/ready")
            let pid = try spawnChild(executable, folder: folder)
            // Wait (bounded) until the child has completed one write cycle.
            let deadline = ContinuousClock.now + .seconds(60)
            while access(folder + "/ready", F_OK) != 0, ContinuousClock.now < deadline { usleep(500) }
            usleep(UInt32(random.next() % 40_000))
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            done += 1
            let killed = (status & 0x7F) == SIGKILL
            if !killed {
                problems.append(
                    "round \(round): child ended on its own (status \(status)); see its output by running the child filter by hand")
            }
            for target in targets {
                guard let data = FileManager.default.contents(atPath: folder + "/" + target) else {
                    problems.append("round \(round): \(target) missing")
                    continue
                }
                guard let version = validVersion(Array(data), salt: target.hashValueStable) else {
                    problems.append("round \(round): \(target) is not a complete version (\(data.count) bytes)")
                    continue
                }
                if version < lastVersion[target, default: 0] {
                    problems.append("round \(round): \(target) went back from \(lastVersion[target, default: 0]) to \(version)")
                }
                lastVersion[target] = version
            }
            let temporary = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
                $0.hasPrefix(TemporaryName.prefix)
            }
            if temporary.count > 3 { problems.append("round \(round): \(temporary.count) temporary files piled up") }
            if !temporary.isEmpty { interrupted += 1 }
        }
        return (done, interrupted, problems)
    }

    private static func spawnChild(_ executable: String, folder: String) throws -> pid_t {
        let arguments = [executable, "--testing-library", "swift-testing", "--filter", "AtomicFileWriterCrashChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[folderVariable] = folder
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's test-runner chatter is not wanted in this run's output.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }
}

/// The child side of ``AtomicFileWriterCrashTests``: runs only when spawned by it.
@Suite("AtomicFileWriterCrashChild")
struct AtomicFileWriterCrashChild {
    @Test(
        "write versions in a loop until killed",
        .enabled(if: ProcessInfo.processInfo.environment[AtomicFileWriterCrashTests.folderVariable] != nil))
    func writeUntilKilled() throws {
        let folder = try #require(ProcessInfo.processInfo.environment[AtomicFileWriterCrashTests.folderVariable])
        try StaleTemporaryFiles.remove(in: folder, olderThanMinutes: 0)
        let writer = AtomicFileWriter(root: folder)
        // Continue from the versions on disk so they only ever grow.
        var version =
            AtomicFileWriterCrashTests.targets.compactMap { target in
                FileManager.default.contents(atPath: folder + "/" + target).flatMap {
                    AtomicFileWriterCrashTests.validVersion(Array($0), salt: target.hashValueStable)
                }
            }.max() ?? 0
        let started = ContinuousClock.now
        var cycle = 0
        // Bounded: a child nobody kills stops by itself.
        while ContinuousClock.now - started < .seconds(30) {
            version += 1
            try writer.write(AtomicFileWriterCrashTests.content(version: version, salt: "single.bin".hashValueStable), to: "single.bin")
            let transaction = writer.transaction()
            for target in AtomicFileWriterCrashTests.targets.dropFirst() {
                try transaction.stage(AtomicFileWriterCrashTests.content(version: version, salt: target.hashValueStable), to: target)
            }
            try transaction.commit()
            if cycle == 0 { try writer.write([], to: "ready") }
            cycle += 1
        }
    }
}

/// A tiny deterministic generator, so a failing run can be repeated.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        utf8.reduce(5381) { ($0 &* 33) &+ Int($1) } & 0xFFFF
    }
}
