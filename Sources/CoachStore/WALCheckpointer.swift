import Logging
import SQLKit

/// Checkpoints an SQLite file's write-ahead log from a connection (and thread) of its own, every
/// `interval`, so that the writing connection's own checkpoints find little left to do.
///
/// SQLite checkpoints on whichever connection commits once the log passes 1,000 pages (about every 66
/// voiced questions here), and a checkpoint copies the log into the database and syncs both to disk.
/// On the one writing connection that work stalled every write queued behind it, webhooks' included.
/// The writer keeps its automatic checkpoint: only a checkpoint that no write can overtake copies the
/// whole log, and only then does the log start again from its beginning (without it, the log grew by
/// 25 MB a second at 250 calls). While this connection's checkpoint runs, the writer's is skipped and
/// tried again at its next commit. This connection's checkpoints are PASSIVE: they neither wait for nor
/// block readers and writers, and they copy and sync most of the log before the writer gets to it
/// (docs/benchmarks-history.md, fix 64).
final class WALCheckpointer: Sendable {
    static let defaultInterval: Duration = .milliseconds(250)

    private let task: Task<Void, Never>

    init(database: any SQLDatabase, interval: Duration = WALCheckpointer.defaultInterval, logger: Logger) {
        task = Task {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                do {
                    try await database.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
                } catch {
                    // The log keeps the writes meanwhile; the next interval tries again.
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Ends the loop; the checkpoint under way, if any, finishes first.
    func stop() async {
        task.cancel()
        await task.value
    }
}
