import CoachCore
import CoachStore
import Logging

/// Texts worded by the model ahead of time: the debrief and the progress report. The template text is
/// computed from stored facts; in the background the model rewords it and the voice synthesises the
/// result. A webhook speaks the worded text only if it was made from the template it would speak now;
/// otherwise the template, so nothing ever waits and nothing stale is said.
struct SpokenDrafts: Sendable {
    enum Kind: String, Sendable { case debrief, progress }

    let store: SQLStore
    let writer: (any SummaryWriter)?
    let voice: VoiceOver
    let queue: JobQueue
    let deadlineSeconds: Double
    let logger: Logger

    var isActive: Bool { writer != nil || voice.synthesizer != nil }

    /// Queues wording (and voicing) `template` for `owner`; with no model, only its voicing.
    func prepare(_ kind: Kind, owner: String, template: String) async {
        guard writer != nil else {
            await voice.prepare([template])
            return
        }
        await queue.enqueue(.draft(kind: kind.rawValue, owner: owner, template: template))
    }

    /// The job: the model words the template within the deadline, and the result is voiced; on
    /// failure the template itself is voiced.
    func word(_ kind: Kind, owner: String, template: String) async throws {
        guard let writer else { return await voice.prepare([template]) }
        do {
            let instructions = kind == .debrief ? SummaryInstructions.debrief : SummaryInstructions.progress
            let worded = try await withDeadline(seconds: deadlineSeconds) {
                try await writer.summary(instructions: instructions, facts: [template])
            }
            try Task.checkCancellation()
            try await store.saveDraft(kind: kind.rawValue, owner: owner, template: template, worded: worded)
            await voice.prepare([worded])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning(
                "model wording failed; the template is spoken",
                metadata: ["kind": "\(kind.rawValue)", "error": "\(error)"])
            await voice.prepare([template])
        }
    }

    /// What to say for `template` now: the model's wording made from it, or the template itself.
    func spoken(_ kind: Kind, owner: String, template: String) async throws -> String {
        guard writer != nil else { return template }
        return try await store.draft(kind: kind.rawValue, owner: owner, template: template) ?? template
    }

    /// Every wording of `owner`'s texts, to be read before the template is known (`Wordings.spoken`).
    func wordings(_ kind: Kind, owner: String) async throws -> Wordings {
        guard writer != nil else { return Wordings(byTemplate: [:]) }
        return Wordings(byTemplate: try await store.drafts(kind: kind.rawValue, owner: owner))
    }

    struct Wordings: Sendable {
        let byTemplate: [String: String]

        /// The same choice as `SpokenDrafts.spoken`: the wording made from `template`, or the template.
        func spoken(_ template: String) -> String { byTemplate[template] ?? template }
    }
}
