import CoachCore
import CoachStore
import Logging

/// Texts worded by the model ahead of time: the debrief and the progress report. The template text is
/// computed from stored facts; in the background the model rewords it and the voice synthesises the
/// result. A webhook speaks the worded text only if it was made from the template it would speak now;
/// otherwise the template, so nothing ever waits and nothing stale is said.
struct SpokenDrafts: Sendable {
    enum Kind: String { case debrief, progress }

    let store: SQLStore
    let writer: (any SummaryWriter)?
    let voice: VoiceOver
    let background: BackgroundTasks
    let deadlineSeconds: Double
    let logger: Logger

    /// Like `prepare(_:owner:template:)`, but the template itself is computed in the background too
    /// (it needs database reads a webhook should not wait for). Nil: nothing to prepare.
    func prepare(_ kind: Kind, owner: String, template: @escaping @Sendable () async throws -> String?) async {
        guard writer != nil || voice.synthesizer != nil else { return }  // nothing to word or voice
        let logger = self.logger
        await background.start("template-\(kind.rawValue)-\(owner)") {
            do {
                if let text = try await template() { await prepare(kind, owner: owner, template: text) }
            } catch {
                logger.warning("could not build the \(kind.rawValue) text", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Starts wording (and voicing) `template` for `owner`; with no model, only voices the template.
    func prepare(_ kind: Kind, owner: String, template: String) async {
        guard let writer else {
            await voice.prepare([template])
            return
        }
        let store = self.store
        let voice = self.voice
        let deadline = deadlineSeconds
        let logger = self.logger
        await background.start("draft-\(kind.rawValue)-\(owner)-\(template.hashValue)") {
            do {
                let instructions = kind == .debrief ? SummaryInstructions.debrief : SummaryInstructions.progress
                let worded = try await withDeadline(seconds: deadline) {
                    try await writer.summary(instructions: instructions, facts: [template])
                }
                try await store.saveDraft(kind: kind.rawValue, owner: owner, template: template, worded: worded)
                await voice.prepare([worded])
            } catch {
                logger.warning(
                    "model wording failed; the template is spoken",
                    metadata: ["kind": "\(kind.rawValue)", "error": "\(error)"])
                await voice.prepare([template])
            }
        }
    }

    /// What to say for `template` now: the model's wording made from it, or the template itself.
    func spoken(_ kind: Kind, owner: String, template: String) async throws -> String {
        guard writer != nil else { return template }
        return try await store.draft(kind: kind.rawValue, owner: owner, template: template) ?? template
    }
}
