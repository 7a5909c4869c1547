/// A transcript as a speech-to-text provider returns it. Word timings, when the provider gives
/// them (whisper-1 with `verbose_json`), let pace and pauses come from real timings.
public struct Transcript: Sendable, Equatable {
    public struct TimedWord: Sendable, Equatable {
        public var word: String
        public var start: Double
        public var end: Double

        public init(word: String, start: Double, end: Double) {
            self.word = word
            self.start = start
            self.end = end
        }
    }

    public var text: String
    /// Seconds of audio the provider heard, when it says.
    public var durationSeconds: Double?
    public var words: [TimedWord]

    public init(text: String, durationSeconds: Double? = nil, words: [TimedWord] = []) {
        self.text = text
        self.durationSeconds = durationSeconds
        self.words = words
    }
}

/// Port: turns a caller's recorded answer into text. Runs in the background after the Record
/// action; on failure Twilio's own transcription (the transcribe callback) is the fallback.
public protocol Transcriber: Sendable {
    var name: String { get }
    /// `recordingURL` is Twilio's `RecordingUrl` (without extension), as posted to us.
    func transcribe(recordingURL: String, recordingSid: String) async throws -> Transcript
}
