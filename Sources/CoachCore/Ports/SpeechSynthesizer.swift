/// Port: turns text into telephone audio (an 8 kHz mono mu-law WAV file). With none configured the
/// server lets Twilio speak with `<Say>`; a failure or deadline miss does the same for that text.
public protocol SpeechSynthesizer: Sendable {
    /// Identifies provider and voice; part of the audio cache key so a voice change never replays old audio.
    var voiceIdentity: String { get }
    func synthesize(_ text: String) async throws -> [UInt8]
}
