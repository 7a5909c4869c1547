import CoachTestSupport
import Foundation
import Testing

@testable import CoachStore

/// An SQLite file's write-ahead log is copied into the database beside the writer, and still starts
/// over from its beginning, however much is written.
@Suite struct WALCheckpointTests {
    /// Voiced questions are most of what a line writes: 64 KiB each.
    static let clip = Data((0..<(64 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// A mebibyte of writes is a quarter of what makes the writer checkpoint by itself: only the
    /// checkpointer's connection can have copied it into the database file.
    @Test func theCheckpointerCopiesTheLogIntoTheDatabaseBesideTheWriter() async throws {
        let path = TestScratch.sqlitePath()
        let store = try await SQLStore.openSQLiteFile(
            path: path, checkpointInterval: .milliseconds(50), logger: StoreEngine.quiet)
        try await store.migrate()
        let before = Self.size(path)
        for index in 0..<16 {
            try await store.saveAudio(AudioClip(key: "clip-\(index)", contentType: "audio/basic", bytes: Self.clip))
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.size(path) < before + (1 << 20), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(Self.size(path) >= before + (1 << 20), "the writes are still only in the log")
        #expect(try await store.audio(key: "clip-15")?.bytes == Self.clip)
        try await store.shutdown()
    }

    /// Checkpoints beside a busy writer never catch up with it; the writer's own checkpoint does, and
    /// the log then starts over instead of growing with everything ever written. (The writer's is
    /// skipped while the other connection's runs, and tried again at its next commit, so how far the
    /// log gets between restarts varies with timing: 4 to 28 MB here on a loaded machine, against 40
    /// MB when it never starts over.)
    @Test func theLogStartsOverWhileWritesGoOn() async throws {
        let path = TestScratch.sqlitePath()
        let store = try await SQLStore.openSQLiteFile(
            path: path, checkpointInterval: .milliseconds(50), logger: StoreEngine.quiet)
        try await store.migrate()
        for index in 0..<512 {  // 32 MiB
            try await store.saveAudio(AudioClip(key: "clip-\(index)", contentType: "audio/basic", bytes: Self.clip))
        }
        #expect(Self.size(path + "-wal") < 36 << 20)
        #expect(try await store.audio(key: "clip-0")?.bytes == Self.clip)
        try await store.shutdown()
    }
}
