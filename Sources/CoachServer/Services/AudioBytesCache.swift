import NIOCore
import Synchronization

/// Audio served at `/audio`, kept in memory. A key is a hash of voice and text, so the bytes behind
/// it never change and need no invalidation; every call plays the same prompts, and reading them
/// from the database for each caller was the largest copy on the webhook side. Bounded by size, least
/// recently used out first: each question's audio is played once, and evicting in order of arrival let
/// a stream of them push out the prompts every call plays.
final class AudioBytesCache: Sendable {
    struct Entry: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    private struct Slot {
        var entry: Entry
        var lastUsed: UInt64
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var size = 0
        var clock: UInt64 = 0

        mutating func tick() -> UInt64 {
            clock += 1
            return clock
        }
    }

    private let state = Mutex(State())
    let capacityBytes: Int

    init(capacityBytes: Int = 32 << 20) {
        self.capacityBytes = capacityBytes
    }

    func entry(_ key: String) -> Entry? {
        state.withLock { state in
            guard var slot = state.slots[key] else { return nil }
            slot.lastUsed = state.tick()
            state.slots[key] = slot
            return slot.entry
        }
    }

    func insert(_ key: String, _ entry: Entry) {
        let size = entry.bytes.readableBytes
        guard size <= capacityBytes else { return }
        state.withLock { state in
            guard state.slots[key] == nil else { return }
            state.slots[key] = Slot(entry: entry, lastUsed: state.tick())
            state.size += size
            // A linear scan per eviction: a few hundred entries, far cheaper than the read it saves.
            while state.size > capacityBytes,
                let oldest = state.slots.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                state.size -= state.slots.removeValue(forKey: oldest)?.entry.bytes.readableBytes ?? 0
            }
        }
    }
}
