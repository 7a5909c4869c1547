import CoachCore
import CoachStore
import Foundation
import Logging

/// Turns text into the configured voice without ever making a caller wait for it: prompts are
/// synthesised at start-up, questions while the caller answers the previous one, and a webhook only
/// swaps `<Say>` for `<Play>` when the audio is already stored. Anything else is read by Twilio's voice.
public actor VoiceOver {
    let synthesizer: (any SpeechSynthesizer)?
    let library: AudioLibrary
    let links: Links
    let deadlineSeconds: Double
    let queue: JobQueue
    let metrics: LineMetrics?
    let logger: Logger

    init(
        synthesizer: (any SpeechSynthesizer)?, library: AudioLibrary, links: Links, deadlineSeconds: Double,
        queue: JobQueue, metrics: LineMetrics? = nil, logger: Logger
    ) {
        self.queue = queue
        self.metrics = metrics
        self.synthesizer = synthesizer
        self.library = library
        self.links = links
        self.deadlineSeconds = deadlineSeconds
        self.logger = logger
    }

    /// Synthesises the texts the line says on every call, two at a time. Returns how many are ready.
    @discardableResult
    func warmUp(_ texts: [String]) async -> Int {
        guard let synthesizer else { return 0 }
        let unique = Array(Set(texts))
        var ready = 0
        await withTaskGroup(of: String?.self) { group in
            var next = unique.makeIterator()
            func addNext() {
                guard let text = next.next() else { return }
                group.addTask { await self.synthesize(text, with: synthesizer) }
            }
            addNext()
            addNext()
            while let key = await group.next() {
                if key != nil { ready += 1 }
                addNext()
            }
        }
        logger.info("Generated \(ready)/\(unique.count) prompts", metadata: ["voice": "\(synthesizer.voiceIdentity)"])
        return ready
    }

    private func synthesize(_ text: String, with synthesizer: any SpeechSynthesizer) async -> String? {
        let library = self.library
        do {
            return try await withDeadline(seconds: deadlineSeconds) {
                try await library.audioKey(for: text, synthesizer: synthesizer)
            }
        } catch {
            logger.warning("prompt synthesis failed; Twilio's voice will read it", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Queues synthesis of texts the caller is about to hear (a debrief draft, their progress, their
    /// role spoken back), so the webhook that speaks them finds the audio stored.
    nonisolated func prepare(_ texts: [String]) async {
        guard synthesizer != nil else { return }
        for text in texts where !text.isEmpty {
            await queue.enqueue(.voice(text: text))
        }
    }

    /// The job: synthesise `text` into the library. A provider failure is logged; Twilio's voice reads it.
    func synthesizeNow(_ text: String) async {
        guard let synthesizer else { return }
        _ = await synthesize(text, with: synthesizer)
    }

    /// The document with every `<Say>` whose audio is stored replaced by `<Play>`.
    nonisolated func resolve(_ document: TwiMLDocument) async -> TwiMLDocument {
        guard let synthesizer else { return document }
        var stored: [String: String] = [:]  // text -> audio key
        for text in Self.spokenTexts(document) {
            let key = AudioLibrary.key(voice: synthesizer.voiceIdentity, text: text)
            let found = (try? await library.has(key: key)) == true
            if found { stored[text] = key }
            metrics?.audioLookup(hit: found)
        }
        return playing(document) { stored[$0] }
    }

    /// The same from what this process knows is stored, without asking the database (the prompts
    /// warmed up at start-up, what it synthesised or found since).
    nonisolated func resolveKnown(_ document: TwiMLDocument) -> TwiMLDocument {
        guard let synthesizer else { return document }
        return playing(document) { text in
            let key = AudioLibrary.key(voice: synthesizer.voiceIdentity, text: text)
            return library.knows(key: key) ? key : nil
        }
    }

    /// `document` with each `<Say>` whose text has an audio key (`key(text)`) played instead.
    private nonisolated func playing(_ document: TwiMLDocument, key: (String) -> String?) -> TwiMLDocument {
        func play(_ speech: Speech) -> Speech {
            guard case .say(let text) = speech, let key = key(text) else { return speech }
            return .play(url: links.url(.audio(key: key)), text: text)
        }
        return TwiMLDocument(
            document.verbs.map { verb in
                switch verb {
                case .speak(let speech): return .speak(play(speech))
                case .gather(var gather):
                    gather.prompts = gather.prompts.map(play)
                    return .gather(gather)
                default: return verb
                }
            })
    }

    private static func spokenTexts(_ document: TwiMLDocument) -> [String] {
        document.verbs.flatMap { verb -> [Speech] in
            switch verb {
            case .speak(let speech): [speech]
            case .gather(let gather): gather.prompts
            default: []
            }
        }.compactMap { speech in
            guard case .say(let text) = speech else { return nil }
            return text
        }
    }
}
