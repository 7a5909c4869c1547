import CoachStore
import Foundation
import Logging
import Synchronization

/// Puts background work in the durable queue and wakes a worker: this instance's at once, other
/// instances' through PostgreSQL NOTIFY. A webhook only ever enqueues; it never waits for the work.
struct JobQueue: Sendable {
    /// The NOTIFY channel; payloads are signal topics (`jobs`, `ready:CALL:N`), each tagged with the
    /// instance that sent it (`jobs@1a2b3c4d`).
    static let channel = "coachline"

    let store: SQLStore
    let signals: Signals
    let maxAttempts: Int
    let logger: Logger
    /// Keys this process queued, or found queued, within the last minute.
    let recent = RecentKeys(seconds: 60)
    /// This process's worker, once there is one: work it has room for is stored as claimed by it and
    /// handed to it directly, without a claim.
    let local = LocalWorker()
    /// Tags this instance's notices: it signalled its own waiters already, so its own NOTIFY, heard
    /// back on its LISTEN connection, would only wake its worker for one more claim query per job.
    let origin = String(UUID().uuidString.prefix(8)).lowercased()

    /// The NOTIFY payload for `topic`.
    func notice(_ topic: String) -> String { "\(topic)@\(origin)" }

    /// The topic a notice heard on LISTEN is about, or nil when it is this instance's own. An untagged
    /// payload (an older instance) is a topic as it is.
    func topic(ofNotice payload: String) -> String? {
        guard let at = payload.lastIndex(of: "@") else { return payload }
        return payload[payload.index(after: at)...] == origin ? nil : String(payload[..<at])
    }

    func enqueue(_ work: BackgroundWork) async {
        let key = work.key
        // The same work is asked for again and again (each callback of a recording asks for its
        // feedback); within a minute the database's answer is known, so skip the round trip. The
        // database stays the judge across instances, and its idempotency window is ten times longer.
        // The key is taken before the insert, so two webhooks asking at once (a recording's callback
        // and its Record action) make one insert, not one each.
        guard recent.take(key) else { return }
        let job = NewJob(key: key, kind: work.kind, payload: work.payload, maxAttempts: maxAttempts)
        do {
            if let worker = local.worker, let slot = await worker.reserve(kind: work.kind) {
                // Stored as this worker's: no claim, no wake-up, no NOTIFY (nothing for others to take).
                let stored: JobRecord?
                do {
                    stored = try await store.enqueueClaimed(job, worker: slot.worker, leaseSeconds: slot.leaseSeconds)
                } catch {
                    await worker.cancel(slot)
                    throw error
                }
                if let stored { await worker.adopt(stored, in: slot) } else { await worker.cancel(slot) }
                return
            }
            // Other instances' workers hear of it through NOTIFY, sent by the same statement.
            let queued = try await store.enqueue(job, notifying: notice(of: Signals.jobs))
            guard queued else { return }
            if await local.worker?.noteQueued(kind: work.kind) ?? true { await signals.signal(Signals.jobs) }
        } catch {
            recent.remove(key)  // not queued: the next request for it tries again
            // The work is lost, not the call: every reader has a fallback (bank question, Twilio's
            // voice or transcript, the deterministic analysis).
            logger.error("could not queue background work", metadata: ["job": "\(work.key)", "error": "\(error)"])
        }
    }

    /// The NOTIFY that tells other instances `topic` happened, for a write to send with itself.
    func notice(of topic: String) -> Notice { Notice(channel: Self.channel, payload: notice(topic)) }
}

/// The process's job worker, attached once it exists (it is built after the services that queue work).
final class LocalWorker: Sendable {
    private let attached = Mutex<JobWorker?>(nil)

    var worker: JobWorker? { attached.withLock { $0 } }

    func attach(_ worker: JobWorker) { attached.withLock { $0 = worker } }
}

/// Strings seen within the last `seconds`; older ones are swept out once a period.
final class RecentKeys: Sendable {
    let seconds: Double
    private let state: Mutex<State>

    private struct State {
        var seen: [String: ContinuousClock.Instant] = [:]
        var swept = ContinuousClock.now
    }

    init(seconds: Double) {
        self.seconds = seconds
        self.state = Mutex(State())
    }

    func contains(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            guard let at = state.seen[key] else { return false }
            return now - at < .seconds(seconds)
        }
    }

    /// Keys held now, expired or not: what the sweeps leave.
    var count: Int { state.withLock { $0.seen.count } }

    /// Inserts `key` unless it was seen within the period; true when it was not (the caller's to act on).
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if let at = state.seen[key], now - at < .seconds(seconds) { return false }
            state.seen[key] = now
            if now - state.swept >= .seconds(seconds) {
                state.seen = state.seen.filter { now - $0.value < .seconds(seconds) }
                state.swept = now
            }
            return true
        }
    }

    func remove(_ key: String) {
        state.withLock { _ = $0.seen.removeValue(forKey: key) }
    }
}
