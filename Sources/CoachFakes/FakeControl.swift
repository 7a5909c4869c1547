import CoachAudio
import Foundation
import Synchronization

/// One request as a fake received it, logged before the fake answers.
public struct FakeRequestLog: Sendable {
    public var service: FakeService
    public var method: String
    public var path: String
    public var query: String?
    /// In arrival order, names as the client sent them.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(
        service: FakeService,
        method: String,
        path: String,
        query: String?,
        headers: [(String, String)],
        body: [UInt8]
    ) {
        self.service = service
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, names compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A recording the fake Twilio media host serves and the fake transcriber recognises.
/// Where the words fall in a fake recording, for the word timestamps the transcriber fake reports:
/// silence before the first word, silent gaps after chosen words, the rest spoken at an even pace.
public struct FakeSpeechLayout: Sendable, Equatable {
    public var speechStart: Double
    /// Word index (0-based) -> seconds of silence after that word.
    public var pauses: [Int: Double]

    public init(speechStart: Double = 0, pauses: [Int: Double] = [:]) {
        self.speechStart = speechStart
        self.pauses = pauses
    }

    /// The admin form's spelling, "3:4.5,10:2": after word 3 a 4.5 s pause, after word 10 a 2 s one.
    public init?(speechStart: String?, pauses: String?) {
        var parsed: [Int: Double] = [:]
        for pair in (pauses ?? "").split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let index = Int(parts[0]), index >= 0, let seconds = Double(parts[1]),
                seconds >= 0
            else { return nil }
            parsed[index] = seconds
        }
        let start = speechStart.map(Double.init) ?? 0
        guard let start, start >= 0 else { return nil }
        self.init(speechStart: start, pauses: parsed)
    }

    /// Start and end of each of `count` words in `duration` seconds.
    func timings(count: Int, duration: Double) -> [(start: Double, end: Double)] {
        guard count > 0 else { return [] }
        let silence = speechStart + pauses.filter { $0.key < count - 1 }.values.reduce(0, +)
        let step = max(0, duration - silence) / Double(count)
        var clock = speechStart
        return (0..<count).map { index in
            defer { clock += step + (index < count - 1 ? pauses[index] ?? 0 : 0) }
            return (clock, clock + step)
        }
    }
}

struct FakeRecording: Sendable {
    var sid: String
    var text: String
    var seconds: Double
    var layout: FakeSpeechLayout

    /// The exact WAV bytes served; unique per sid, made on use and kept only for the latest few.
    var wav: Data { RecentRecordingBytes.shared.wav(sid: sid, seconds: seconds) }
    /// The mu-law data chunk, so a re-wrapped upload is still recognised.
    var muLaw: Data { FakeAudio.recordingMuLaw(sid: sid, seconds: seconds) }
}

/// A file the fake Murf generated, served at its `audioFile` URL.
struct FakeAudioFile: Sendable {
    var bytes: Data
    var contentType: String
}

/// Knobs and records shared by every fake; safe to use from any task while the servers run.
public final class FakeControl: Sendable {
    private struct State {
        var behaviors: [FakeService: FakeBehavior] = [:]
        /// Failures already answered, per service and key (the recording sid for Twilio's notReady).
        var failuresAnswered: [String: Int] = [:]
        var logs: [FakeService: [FakeRequestLog]] = [:]
        var recordings: [String: FakeRecording] = [:]
        var twilioCredentials: (accountSid: String, authToken: String)?
        var murfUsesCookbookSpelling = false
        var murfStreamFailuresAsMessages = false
        var murfFiles: [String: FakeAudioFile] = [:]
        var murfFileOrder: [String] = []
        var murfCharactersUsed = 0
        var murfStreamMessages: [String] = []
        var nextID = 1
    }

    /// Murf's monthly character allowance as the fake reports it.
    static let murfCharacterAllowance = 100_000
    /// Oldest generated Murf files are forgotten past this many, so a long simulation does not grow without bound.
    private static let murfFileLimit = 500
    /// Requests logged per service; older ones are forgotten, so a benchmark's thousands of uploads
    /// (a minute of audio each) do not pile up in memory.
    static let requestLogLimit = 1000

    private let state = Mutex(State())

    public init() {}

    // MARK: Behavior

    /// Replaces the behavior of one service and restarts its failure count.
    public func set(_ service: FakeService, _ behavior: FakeBehavior) {
        state.withLock { state in
            state.behaviors[service] = behavior
            state.failuresAnswered = state.failuresAnswered.filter { !$0.key.hasPrefix(service.rawValue + "|") }
        }
    }

    public func setAll(_ behavior: FakeBehavior) {
        for service in FakeService.allCases {
            set(service, behavior)
        }
    }

    public func behavior(_ service: FakeService) -> FakeBehavior {
        state.withLock { $0.behaviors[service] ?? .normal }
    }

    /// Decides whether this request fails, counting it against `failTimes`. `key` separates counts within a
    /// service (Twilio's notReady counts per recording).
    func takeFailure(_ service: FakeService, key: String = "") -> FakeFailure? {
        state.withLock { state in
            let behavior = state.behaviors[service] ?? .normal
            guard let failure = behavior.failure, failure.applies(to: service) else { return nil }
            guard let limit = behavior.failTimes else { return failure }
            let counter = service.rawValue + "|" + key
            let answered = state.failuresAnswered[counter, default: 0]
            guard answered < limit else { return nil }
            state.failuresAnswered[counter] = answered + 1
            return failure
        }
    }

    // MARK: Request log

    /// The requests the service received, in order: the last `requestLogLimit` of them.
    public func requests(_ service: FakeService) -> [FakeRequestLog] {
        state.withLock { $0.logs[service] ?? [] }
    }

    func log(_ entry: FakeRequestLog) {
        state.withLock { state in
            state.logs[entry.service, default: []].append(entry)
            if state.logs[entry.service, default: []].count > Self.requestLogLimit {
                state.logs[entry.service]?.removeFirst()
            }
        }
    }

    /// The text messages clients sent on Murf WebSockets, in arrival order across connections.
    public func murfStreamMessages() -> [String] {
        state.withLock { $0.murfStreamMessages }
    }

    func logStreamMessage(_ text: String) {
        state.withLock { $0.murfStreamMessages.append(text) }
    }

    // MARK: Recordings

    /// Registers a recording: the Twilio media fake serves it as `seconds` of tone, and the transcriber fake
    /// answers `text` for those exact bytes, its words laid out by `layout`. Adding a sid again replaces it.
    public func addRecording(sid: String, text: String, seconds: Double, layout: FakeSpeechLayout = .init()) {
        state.withLock { state in
            state.recordings[sid] = FakeRecording(sid: sid, text: text, seconds: seconds, layout: layout)
        }
    }

    /// The WAV bytes served for a recording, e.g. to upload them straight to the transcriber in a test.
    public func recordingAudio(sid: String) -> Data? {
        recording(sid: sid)?.wav  // made outside the lock: a minute of audio is half a megabyte
    }

    func recording(sid: String) -> FakeRecording? {
        state.withLock { $0.recordings[sid] }
    }

    /// The recording an upload came from: the exact served bytes, or else a WAV carrying the same mu-law payload
    /// or the same samples decoded to PCM (a client may re-wrap or decode the audio before uploading it).
    func recording(matching upload: Data) -> FakeRecording? {
        // The LIST chunk names the sid: one comparison instead of one per registered recording.
        if let sid = FakeAudio.listName(in: upload), let recording = recording(sid: sid), recording.wav == upload {
            return recording
        }
        guard let wav = try? WAVAudio.parse(upload) else { return nil }
        let candidates = state.withLock { Array($0.recordings.values) }
        return candidates.first { recording in
            Int((recording.seconds * 8000).rounded()) == wav.payload.count / max(1, wav.blockAlign)
                && wav.matches(muLaw: recording.muLaw)
        }
    }

    /// When set, the Twilio media fake requires HTTP Basic auth with these credentials.
    public var twilioCredentials: (accountSid: String, authToken: String)? {
        get { state.withLock { $0.twilioCredentials } }
        set { state.withLock { $0.twilioCredentials = newValue } }
    }

    // MARK: Murf

    /// Ends a WebSocket utterance with `{"isFinalAudio": true}` (cookbook) instead of `{"final": true}` (API docs).
    public var murfUsesCookbookSpelling: Bool {
        get { state.withLock { $0.murfUsesCookbookSpelling } }
        set { state.withLock { $0.murfUsesCookbookSpelling = newValue } }
    }

    /// Murf WebSocket failures with a status (429, 403...) are reported after the upgrade as
    /// `{"error": ..., "code": status}` and a close, instead of refusing the upgrade (the default).
    public var murfStreamFailuresAsMessages: Bool {
        get { state.withLock { $0.murfStreamFailuresAsMessages } }
        set { state.withLock { $0.murfStreamFailuresAsMessages = newValue } }
    }

    /// Keeps a generated file and returns its id.
    func storeMurfFile(_ file: FakeAudioFile, fileExtension: String) -> String {
        state.withLock { state in
            let name = "fake\(state.nextID).\(fileExtension)"
            state.nextID += 1
            state.murfFiles[name] = file
            state.murfFileOrder.append(name)
            if state.murfFileOrder.count > Self.murfFileLimit {
                state.murfFiles[state.murfFileOrder.removeFirst()] = nil
            }
            return name
        }
    }

    func murfFile(named name: String) -> FakeAudioFile? {
        state.withLock { $0.murfFiles[name] }
    }

    /// Adds to the characters used and returns what remains of the allowance.
    func consumeMurfCharacters(_ count: Int) -> Int {
        state.withLock { state in
            state.murfCharactersUsed += count
            return max(0, Self.murfCharacterAllowance - state.murfCharactersUsed)
        }
    }

    /// A number unique within this control, for ids.
    func nextSerial() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Back to a fresh control: normal behaviors, empty logs, no recordings, no credentials.
    public func reset() {
        state.withLock { $0 = State() }
    }
}

/// The WAV bytes of the recordings used last: a client downloads a recording and uploads it to the
/// transcriber within moments, and making the same minute of audio twice was a tenth of the fakes' time.
private final class RecentRecordingBytes: Sendable {
    static let shared = RecentRecordingBytes()
    private static let limit = 64
    private let state = Mutex<(bytes: [String: Data], order: [String])>(([:], []))

    func wav(sid: String, seconds: Double) -> Data {
        let key = "\(sid)/\(seconds)"
        if let bytes = state.withLock({ $0.bytes[key] }) { return bytes }
        let bytes = FakeAudio.recordingWAV(sid: sid, seconds: seconds).wav
        state.withLock { state in
            guard state.bytes.updateValue(bytes, forKey: key) == nil else { return }
            state.order.append(key)
            if state.order.count > Self.limit { state.bytes[state.order.removeFirst()] = nil }
        }
        return bytes
    }
}
