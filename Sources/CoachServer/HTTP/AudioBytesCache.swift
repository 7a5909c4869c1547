import NIOCore
import Synchronization

/// Audio served at `/audio`, kept in memory. A key is a hash of voice and text, so the bytes behind
/// it never change and need no invalidation; every call plays the same prompts, and reading them
/// from the database for each caller was the largest copy on the webhook side. Bounded by size,
/// oldest out first.
final class AudioBytesCache: Sendable {
    struct Entry: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var size = 0
    }

    private let state = Mutex(State())
    let capacityBytes: Int

    init(capacityBytes: Int = 32 << 20) {
        self.capacityBytes = capacityBytes
    }

    func entry(_ key: String) -> Entry? {
        state.withLock { $0.entries[key] }
    }

    func insert(_ key: String, _ entry: Entry) {
        let size = entry.bytes.readableBytes
        guard size <= capacityBytes else { return }
        state.withLock { state in
            guard state.entries[key] == nil else { return }
            state.entries[key] = entry
            state.order.append(key)
            state.size += size
            while state.size > capacityBytes, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                state.size -= state.entries.removeValue(forKey: oldest)?.bytes.readableBytes ?? 0
            }
        }
    }
}
