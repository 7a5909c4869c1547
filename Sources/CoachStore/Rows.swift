import CoachCore
import Foundation
import Synchronization

// Row shapes as the database returns them (snake_case columns), mapped to domain records.
// Unknown enum values from a newer version decode to nil rather than failing the whole query.

struct CallerRow: Decodable {
    var phone: String
    var roleKey: String?
    var roleSpoken: String?
    var createdAt: Double

    var profile: CallerProfile {
        CallerProfile(
            phone: phone, role: roleKey.map { PracticeRole(key: $0, spoken: roleSpoken) },
            createdAt: Date(timeIntervalSince1970: createdAt))
    }
}

struct CallRow: Decodable {
    var callSid: String
    var phone: String?
    var roleKey: String?
    var roleSpoken: String?
    var status: String
    var lastSequence: Int
    var startedAt: Double
    var endedAt: Double?

    var record: CallRecord {
        CallRecord(
            callSid: callSid, caller: phone.map(CallerNumber.known) ?? .withheld,
            role: roleKey.map { PracticeRole(key: $0, spoken: roleSpoken) }, status: status,
            lastSequence: lastSequence, startedAt: Date(timeIntervalSince1970: startedAt),
            endedAt: endedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

struct SessionRow: Decodable {
    var id: String
    var callSid: String
    var phone: String?
    var roleKey: String
    var roleSpoken: String?
    var total: Int
    var status: String
    var startedAt: Double
    var endedAt: Double?
    var debrief: String?

    var record: SessionRecord? {
        guard let status = SessionStatus(rawValue: status) else { return nil }
        return SessionRecord(
            id: id, callSid: callSid, caller: phone.map(CallerNumber.known) ?? .withheld,
            role: PracticeRole(key: roleKey, spoken: roleSpoken), total: total, status: status,
            startedAt: Date(timeIntervalSince1970: startedAt), endedAt: endedAt.map(Date.init(timeIntervalSince1970:)),
            debrief: debrief)
    }
}

struct QuestionRow: Decodable {
    var callSid: String
    var number: Int
    var questionId: String
    var text: String
    var competency: String
    var origin: String
    var roleKey: String
    var audioKey: String?
    var status: String

    var prepared: PreparedQuestion? {
        guard let competency = Competency(rawValue: competency), let origin = QuestionOrigin(rawValue: origin),
            let status = PreparedQuestion.Status(rawValue: status)
        else { return nil }
        return PreparedQuestion(
            callSid: callSid, number: number,
            question: Question(id: questionId, text: text, competency: competency, origin: origin), roleKey: roleKey,
            audioKey: audioKey, status: status)
    }
}

struct AnswerRow: Decodable {
    var callSid: String
    var number: Int
    var sessionId: String
    var questionId: String
    var questionText: String
    var competency: String
    var recordingSid: String?
    var recordingUrl: String?
    var duration: Double
    var ending: String
    var createdAt: Double

    var record: AnswerRecord? {
        guard let competency = Competency(rawValue: competency), let ending = AnswerEnding(rawValue: ending) else {
            return nil
        }
        return AnswerRecord(
            callSid: callSid, number: number, sessionID: sessionId,
            question: Question(id: questionId, text: questionText, competency: competency, origin: .bank),
            recordingSid: recordingSid, recordingURL: recordingUrl, durationSeconds: duration, ending: ending,
            createdAt: Date(timeIntervalSince1970: createdAt))
    }
}

struct RecordingRow: Decodable {
    var recordingSid: String
    var callSid: String?
    var recordingUrl: String?
    var duration: Double?
    var status: String?
    var transcript: String?
    var transcriptStatus: String?
    var transcriptSource: String?
    var speechTiming: String?
    var analysis: String?
    var modelFeedback: String?
    var awaitingProvider: Int?

    var record: RecordingRecord {
        RecordingRecord(
            recordingSid: recordingSid, callSid: callSid, recordingURL: recordingUrl, durationSeconds: duration,
            status: status, transcript: transcript, transcriptStatus: transcriptStatus,
            transcriptSource: transcriptSource, speechTiming: JSONColumn.decode(speechTiming),
            analysis: JSONColumn.decode(analysis), modelFeedback: JSONColumn.decode(modelFeedback),
            awaitingProvider: awaitingProvider == 1)
    }
}

/// Only what coaching reads of a recording: its word timings (the largest column) and the rest stay in
/// the database.
struct CoachingRow: Decodable {
    var analysis: String?
    var modelFeedback: String?

    var coaching: AnswerAnalysis? {
        guard let analysis = JSONColumn.decode(analysis, as: AnswerAnalysis.self) else { return nil }
        return JSONColumn.decode(modelFeedback, as: ModelFeedback.self).map(analysis.merging) ?? analysis
    }
}

/// Analyses, feedback and timings are stored as JSON text: one column, readable with any SQL client,
/// same on both engines. Sorted keys keep equal values byte-equal.
enum JSONColumn {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// Nil for text that does not decode (a hand-edited row): the reader redoes the work.
    static func decode<Value: Decodable & Sendable>(_ text: String?, as type: Value.Type = Value.self) -> Value? {
        guard let text else { return nil }
        return decoded.value(of: text, as: type)
    }

    /// The same analysis is read back many times per call (every recording update returns it, every
    /// debrief and question reads the earlier ones), and decoding it costs far more than hashing it.
    static let decoded = DecodedJSON(limit: 4096)
}

/// Values decoded from JSON text, remembered by the text: equal text decodes to an equal value, so a
/// hit is as good as decoding again. Bounded: when full it starts over.
final class DecodedJSON: Sendable {
    private struct Key: Hashable {
        let type: ObjectIdentifier
        let text: String
    }

    let limit: Int
    private let values = Mutex<[Key: any Sendable]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Nil when `text` does not decode as `type`.
    func value<Value: Decodable & Sendable>(of text: String, as type: Value.Type) -> Value? {
        let key = Key(type: ObjectIdentifier(type), text: text)
        if let known = values.withLock({ $0[key] }) as? Value { return known }
        guard let value = try? JSONDecoder().decode(type, from: Data(text.utf8)) else { return nil }
        values.withLock { values in
            if values.count >= limit { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
        return value
    }
}
