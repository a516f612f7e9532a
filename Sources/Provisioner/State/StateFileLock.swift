#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<state file>.lock`, held while a run reads,
/// merges and replaces the token state file.
///
/// Shards or manifests that share one state file on one host then never
/// lose each other's entries when they finish at the same moment (the file
/// is replaced atomically, but a read-merge-write is not). The lock file is
/// separate because the state file itself is replaced by a rename. Waiting is
/// bounded: another run that keeps the lock longer makes this save fail with
/// a message naming the lock, rather than hang.
final class StateFileLock {
    private let descriptor: Int32

    /// Why the lock could not be taken.
    struct Failure: Error {
        let message: String
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes the lock for `statePath`, waiting up to `timeout` without
    /// blocking a thread: between tries the task sleeps. When another process
    /// holds it, `waiting` is told once, before the wait, with a message
    /// naming the lock, so an operator sees why the run pauses. A run stopped
    /// (task cancelled) while it waits gives up at once.
    static func acquire(
        statePath: String, timeout: Duration = .seconds(30), waiting: (String) -> Void = { _ in }
    ) async throws(Failure) -> StateFileLock {
        let lockPath = statePath + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw Failure(
                message:
                    "the state file lock \(lockPath) cannot be opened (\(String(cString: strerror(errno)))); check the folder's permissions"
            )
        }
        let deadline = ContinuousClock.now + timeout
        var announced = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK, !announced {
                announced = true
                waiting(
                    "the state file lock \(lockPath) is held by another tokensmith run; waiting up to \(DurationText.format(timeout)) for it"
                )
            }
            guard code == EWOULDBLOCK || code == EINTR, ContinuousClock.now < deadline else {
                close(fd)
                let reason =
                    code == EWOULDBLOCK
                    ? "another tokensmith run held it for \(timeout)" : String(cString: strerror(code))
                throw Failure(message: "the state file lock \(lockPath) could not be taken (\(reason)); the state was not saved")
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                close(fd)
                throw Failure(message: "the run was stopped while waiting for the state file lock \(lockPath); the state was not saved")
            }
        }
        return StateFileLock(descriptor: fd)
    }

    deinit {
        // Closing the descriptor releases the lock.
        close(descriptor)
    }
}
