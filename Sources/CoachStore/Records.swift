import CoachCore
import Foundation

/// One phone call, keyed by Twilio's CallSid. The role lives here too so a caller with a withheld
/// number can still choose one for this call.
public struct CallRecord: Sendable, Equatable {
    public var callSid: String
    public var caller: CallerNumber
    public var role: PracticeRole?
    public var status: String
    public var lastSequence: Int
    public var startedAt: Date
    public var endedAt: Date?

    /// Terminal call statuses: once seen, later (out-of-order) events cannot reopen the call.
    public static let terminalStatuses: Set<String> = ["completed", "busy", "failed", "no-answer", "canceled"]
    public var hasEnded: Bool { Self.terminalStatuses.contains(status) }
}

public struct CallerProfile: Sendable, Equatable {
    public var phone: String
    public var role: PracticeRole?
    public var createdAt: Date
}

/// What a call's first webhook learns of its caller (`SQLStore.registerCaller`).
public struct CallerVisit: Sendable, Equatable {
    /// The number called before (another call, not another webhook of this one).
    public var returning: Bool
    /// The role the caller's profile keeps from their last choice; nil for a new or withheld caller.
    public var role: PracticeRole?

    public init(returning: Bool, role: PracticeRole?) {
        self.returning = returning
        self.role = role
    }
}

/// A caller's answers so far, as the writer of their next question reads them (`SQLStore.answerHistory`).
public struct AnswerHistory: Sendable {
    /// Every question this number answered, in any call, so a returning caller hears new ones.
    public var askedQuestionIDs: Set<String> = []
    /// This session's answers whose transcript is in, by number, each with its analysis when made.
    public var heard: [Int: (transcript: String, analysis: AnswerAnalysis?)] = [:]
    /// This number's analysed answers, oldest first, with the model's feedback merged in.
    public var analyses: [AnswerAnalysis] = []

    public init() {}
}

public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var callSid: String
    public var caller: CallerNumber
    public var role: PracticeRole
    public var total: Int
    public var status: SessionStatus
    public var startedAt: Date
    public var endedAt: Date?
    public var debrief: String?
}

/// A question made ready for a call before the caller reaches it. `asked` once played, after
/// which nothing may replace it (a late provider result is dropped).
public struct PreparedQuestion: Sendable, Equatable {
    public enum Status: String, Sendable { case ready, asked }
    public var callSid: String
    public var number: Int
    public var question: Question
    public var roleKey: String
    public var audioKey: String?
    public var status: Status
}

public struct AnswerRecord: Sendable, Equatable {
    public var callSid: String
    public var number: Int
    public var sessionID: String
    public var question: Question
    public var recordingSid: String?
    public var recordingURL: String?
    public var durationSeconds: Double
    public var ending: AnswerEnding
    public var createdAt: Date

    public init(
        callSid: String, number: Int, sessionID: String, question: Question, recordingSid: String?,
        recordingURL: String?, durationSeconds: Double, ending: AnswerEnding, createdAt: Date = Date()
    ) {
        self.callSid = callSid
        self.number = number
        self.sessionID = sessionID
        self.question = question
        self.recordingSid = recordingSid
        self.recordingURL = recordingURL
        self.durationSeconds = durationSeconds
        self.ending = ending
        self.createdAt = createdAt
    }
}

/// What Twilio told us about one recording, from whichever callback arrived: the Record action,
/// the recording status callback, the transcription callback. Any order, any delay.
public struct RecordingRecord: Sendable, Equatable {
    public var recordingSid: String
    public var callSid: String?
    public var recordingURL: String?
    public var durationSeconds: Double?
    public var status: String?
    public var transcript: String?
    public var transcriptStatus: String?
    /// "twilio" or the transcription provider's name: a provider transcript replaces Twilio's, never the reverse.
    public var transcriptSource: String?
    /// The speaking span and pauses, from the transcript's word timings when its provider gave them.
    public var speechTiming: SpeechTiming?
    public var analysis: AnswerAnalysis?
    public var modelFeedback: ModelFeedback?
    /// A transcription provider is working on it: Twilio's transcript, if in, is only the fallback.
    public var awaitingProvider: Bool = false

    /// The analysis with the model's feedback folded in, when there is any.
    public var coaching: AnswerAnalysis? {
        guard let analysis else { return nil }
        return modelFeedback.map(analysis.merging) ?? analysis
    }
}

/// A partial update of a recording: nil fields keep what is stored.
public struct RecordingUpdate: Sendable {
    public var recordingSid: String
    public var callSid: String?
    public var recordingURL: String?
    public var durationSeconds: Double?
    public var status: String?
    public var transcript: String?
    public var transcriptStatus: String?
    public var transcriptSource: String?
    /// Belongs to `transcript`: ignored without it, and kept or replaced together with it.
    public var speechTiming: SpeechTiming?
    /// True when a provider transcription is queued, false when it has finished either way; nil keeps.
    /// Once finished, the wait does not start again.
    public var awaitingProvider: Bool?

    public init(
        recordingSid: String, callSid: String? = nil, recordingURL: String? = nil, durationSeconds: Double? = nil,
        status: String? = nil, transcript: String? = nil, transcriptStatus: String? = nil,
        transcriptSource: String? = nil, speechTiming: SpeechTiming? = nil, awaitingProvider: Bool? = nil
    ) {
        self.awaitingProvider = awaitingProvider
        self.recordingSid = recordingSid
        self.callSid = callSid
        self.recordingURL = recordingURL
        self.durationSeconds = durationSeconds
        self.status = status
        self.transcript = transcript
        self.transcriptStatus = transcriptStatus
        self.transcriptSource = transcriptSource
        self.speechTiming = speechTiming
    }
}

/// Synthesised audio to store under `key` (a hash of voice and text).
public struct AudioClip: Sendable, Equatable {
    public let key: String
    public let contentType: String
    public let bytes: Data

    public init(key: String, contentType: String, bytes: Data) {
        self.key = key
        self.contentType = contentType
        self.bytes = bytes
    }
}
