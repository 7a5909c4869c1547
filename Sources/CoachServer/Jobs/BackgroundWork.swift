import CoachCore
import CoachStore
import Crypto
import Foundation

/// Every kind of background work, as stored in the `jobs` table: what to do, in JSON, and the
/// idempotency key that makes the same work asked for twice (a retried webhook) run once.
enum BackgroundWork: Codable, Sendable, Equatable {
    /// Write and voice question `number` of the call for the role it has now. `session`: what the
    /// webhook that queued it knew of the call's session (nil before one is open, and in jobs queued by
    /// earlier versions), so the writer need not read it again. `caller`: what the call's first webhook
    /// knew of the caller, before the call itself was stored (question 1 only).
    case question(
        callSid: String, number: Int, roleKey: String, session: QuestionSession? = nil, caller: QuestionCaller? = nil)
    /// Download the recording and transcribe it with the configured provider.
    case transcribe(recordingSid: String, recordingURL: String, callSid: String)
    /// Ask the model for feedback on this transcript of the recording.
    case feedback(recordingSid: String, transcript: String)
    /// Synthesise `text` into the audio library.
    case voice(text: String)
    /// Have the model word a debrief or progress template, then voice it.
    case draft(kind: String, owner: String, template: String)
    /// Build a returning caller's progress template from their history, then draft it (once per call).
    case progress(phone: String, callSid: String)

    /// What a caller may be waiting on right now: the next question.
    static let urgentKinds = ["question"]

    var kind: String {
        switch self {
        case .question: "question"
        case .transcribe: "transcribe"
        case .feedback: "feedback"
        case .voice: "voice"
        case .draft: "draft"
        case .progress: "progress"
        }
    }

    /// Stable across processes and restarts (a content hash, never Swift's per-process `hashValue`).
    var key: String {
        switch self {
        case .question(let callSid, let number, let roleKey, _, _): "question:\(callSid):\(number):\(roleKey)"
        case .transcribe(let recordingSid, _, _): "transcribe:\(recordingSid)"
        case .feedback(let recordingSid, let transcript): "feedback:\(recordingSid):\(Self.digest(transcript))"
        case .voice(let text): "voice:\(Self.digest(text))"
        case .draft(let kind, let owner, let template): "draft:\(kind):\(owner):\(Self.digest(template))"
        case .progress(let phone, let callSid): "progress:\(phone):\(callSid)"
        }
    }

    var payload: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    init(payload: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(payload.utf8))
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}

/// The parts of an interview session that never change once it is open: its id, caller, role and
/// length. A question job carries them, so its reads of the call's history need not wait for the session's.
struct QuestionSession: Codable, Sendable, Hashable {
    var id: String
    var phone: String?
    var role: PracticeRole
    var total: Int

    init(_ session: SessionRecord) {
        self.init(id: session.id, phone: session.caller.number, role: session.role, total: session.total)
    }

    init(id: String, phone: String?, role: PracticeRole, total: Int) {
        self.id = id
        self.phone = phone
        self.role = role
        self.total = total
    }
}

/// Who calls, as the call's first webhook knows it before the call is stored: question 1, queued then,
/// carries it so its writer need not wait for (or read) the call.
struct QuestionCaller: Codable, Sendable, Hashable {
    var phone: String?
    var role: PracticeRole
}
