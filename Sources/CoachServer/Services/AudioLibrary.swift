import CoachCore
import CoachStore
import Crypto
import Foundation
import NIOCore
import Synchronization

/// Synthesised audio by content: the key is a hash of voice and text, so the same words in the same
/// voice are made once, shared by every call (and every instance, since the bytes live in the database),
/// and a changed voice or text gets a new URL (Twilio caches audio by URL). What this process made or
/// served lately is kept in memory too (a question's audio is fetched moments after it is made), and so
/// are the keys it knows to be stored, which saves a webhook a lookup per prompt.
public struct AudioLibrary: Sendable {
    let store: SQLStore
    let recent: AudioBytesCache
    /// Keys known to be stored, bytes or not: every prompt stays, one call's debrief is forgotten in time.
    private let known = KnownKeys()

    public init(store: SQLStore, cacheBytes: Int = 32 << 20) {
        self.store = store
        self.recent = AudioBytesCache(capacityBytes: cacheBytes)
    }

    public static func key(voice: String, text: String) -> String {
        let digest = SHA256.hash(data: Data("\(voice)\n\(text)".utf8))
        let hex = Array("0123456789abcdef".utf8)
        var key: [UInt8] = []
        key.reserveCapacity(32)
        for byte in digest.prefix(16) {
            key.append(hex[Int(byte >> 4)])
            key.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: key, as: UTF8.self)
    }

    /// Keys are lowercase hex; anything else (dots, slashes) is refused before touching storage.
    public static func isValidKey(_ key: String) -> Bool {
        key.count == 32 && key.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Returns the key of `text` in the synthesizer's voice, synthesising and storing it if needed.
    func audioKey(for text: String, synthesizer: any SpeechSynthesizer) async throws -> String {
        let (key, clip) = try await audio(for: text, synthesizer: synthesizer)
        if let clip {
            try await store.saveAudio(clip)
            remember(clip)
        }
        return key
    }

    /// The key of `text` in the synthesizer's voice, and its audio when it still has to be stored:
    /// for a caller that stores it with what plays it, then calls `remember`.
    func audio(for text: String, synthesizer: any SpeechSynthesizer) async throws -> (key: String, clip: AudioClip?) {
        let key = Self.key(voice: synthesizer.voiceIdentity, text: text)
        if try await has(key: key) { return (key, nil) }
        let bytes = try await synthesizer.synthesize(text)
        return (key, AudioClip(key: key, contentType: Self.contentType, bytes: Data(bytes)))
    }

    /// `clip` is stored now: this process serves it from memory and knows not to ask for it.
    func remember(_ clip: AudioClip) {
        recent.insert(
            clip.key, AudioBytesCache.Entry(contentType: clip.contentType, bytes: ByteBuffer(bytes: clip.bytes)))
        known.insert(clip.key)
    }

    /// Whether audio for `key` is stored; the database is asked only about keys this process does not know.
    func has(key: String) async throws -> Bool {
        if knows(key: key) { return true }
        guard try await store.hasAudio(key: key) else { return false }
        known.insert(key)
        return true
    }

    /// Whether this process knows `key` is stored, without asking the database (which may be the trouble).
    func knows(key: String) -> Bool {
        known.contains(key) || recent.entry(key) != nil
    }

    /// The stored audio for `key`, from memory when this process has it.
    func audio(key: String) async throws -> AudioBytesCache.Entry? {
        if let entry = recent.entry(key) { return entry }
        guard let audio = try await store.audio(key: key) else { return nil }
        let entry = AudioBytesCache.Entry(contentType: audio.contentType, bytes: ByteBuffer(bytes: audio.bytes))
        recent.insert(key, entry)
        return entry
    }

    static let contentType = "audio/wav"
}

/// `RememberedKeys` behind a lock, shared by every copy of the library.
private final class KnownKeys: Sendable {
    private let keys = Mutex(RememberedKeys(generation: 2048))

    func insert(_ key: String) { keys.withLock { $0.insert(key) } }
    func contains(_ key: String) -> Bool { keys.withLock { $0.contains(key) } }
}
