import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where tests keep their SQLite files: a directory of this test process's own, under
/// `coachline-tests` in the system's temporary directory. Tests often stop a line and then open its
/// file to look inside, so a file lives as long as the process: the directory is removed when the
/// process exits, and one left by a process that crashed is removed by the next test run.
public enum TestScratch {
    public static var directory: URL { made }

    /// A fresh SQLite path in `directory`.
    public static func sqlitePath(named name: String = UUID().uuidString) -> String {
        directory.appendingPathComponent("\(name).sqlite").path
    }

    private static let made: URL = {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("coachline-tests")
        removeLeftovers(in: parent)
        let own = parent.appendingPathComponent("run-\(getpid())")
        try? FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestScratch.directory) }
        return own
    }()

    /// Directories of test processes that no longer run, and loose files from before this layout
    /// (each test run used to leave a few hundred megabytes behind).
    private static func removeLeftovers(in parent: URL) {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(at: parent, includingPropertiesForKeys: nil) else {
            return
        }
        for entry in entries {
            let name = entry.lastPathComponent
            if name.hasPrefix("run-") {
                guard let pid = pid_t(name.dropFirst(4)), !isRunning(pid) else { continue }
                try? manager.removeItem(at: entry)
            } else if name.contains(".sqlite") {
                try? manager.removeItem(at: entry)
            }
        }
    }

    /// Signal 0 checks only that the process exists (EPERM: it does, and belongs to someone else).
    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
