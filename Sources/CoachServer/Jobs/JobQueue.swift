import CoachStore
import Foundation
import Logging

/// Puts background work in the durable queue and wakes a worker: this instance's at once, other
/// instances' through PostgreSQL NOTIFY. A webhook only ever enqueues; it never waits for the work.
struct JobQueue: Sendable {
    /// The NOTIFY channel; payloads are signal topics (`jobs`, `ready:CALL:N`).
    static let channel = "coachline"

    let store: SQLStore
    let signals: Signals
    let maxAttempts: Int
    let logger: Logger

    func enqueue(_ work: BackgroundWork) async {
        do {
            let queued = try await store.enqueue(
                NewJob(key: work.key, kind: work.kind, payload: work.payload, maxAttempts: maxAttempts))
            guard queued else { return }
            await signals.signal(Signals.jobs)
            try await store.notify(channel: Self.channel, payload: Signals.jobs)
        } catch {
            // The work is lost, not the call: every reader has a fallback (bank question, Twilio's
            // voice or transcript, the deterministic analysis).
            logger.error("could not queue background work", metadata: ["job": "\(work.key)", "error": "\(error)"])
        }
    }

    /// Tells waiters here and on other instances that `topic` happened.
    func announce(_ topic: String) async {
        await signals.signal(topic)
        do {
            try await store.notify(channel: Self.channel, payload: topic)
        } catch {
            logger.warning("could not notify other instances", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}
