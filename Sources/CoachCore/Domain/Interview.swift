import Foundation

/// The life of one mock interview. `abandoned` keeps every answer given so far: nothing is lost
/// when a caller hangs up early.
public enum SessionStatus: String, Sendable, Codable {
    case inProgress = "in_progress"
    case completed
    case abandoned
}

/// How the caller ended a recorded answer, from the `Digits` of Twilio's Record action.
public enum AnswerEnding: String, Sendable, Codable {
    case finishKey = "key"
    case silence
    case hangup

    public init(digits: String?) {
        switch digits?.lowercased() {
        case "hangup": self = .hangup
        case let key? where !key.isEmpty: self = .finishKey
        default: self = .silence
        }
    }
}

/// One analysed answer as history sees it: enough to speak progress without re-reading transcripts.
public struct ScoredAnswer: Sendable, Equatable {
    public var sessionID: String
    public var sessionStarted: Date
    public var analysis: AnswerAnalysis

    public init(sessionID: String, sessionStarted: Date, analysis: AnswerAnalysis) {
        self.sessionID = sessionID
        self.sessionStarted = sessionStarted
        self.analysis = analysis
    }
}
