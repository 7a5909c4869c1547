import CoachAudio
import CoachStore
import Foundation
import NIOCore
import Testing

@testable import CoachServer

@Suite("Audio bytes cache")
struct AudioBytesCacheTests {
    func entry(_ size: Int) -> AudioBytesCache.Entry {
        AudioBytesCache.Entry(contentType: "audio/wav", bytes: ByteBuffer(repeating: 0x7F, count: size))
    }

    /// The prompts every call plays must outlive a stream of questions each played once.
    @Test func evictsWhatWasUsedLeastRecently() {
        let cache = AudioBytesCache(capacityBytes: 300)
        cache.insert("prompt", entry(100))
        cache.insert("q1", entry(100))
        cache.insert("q2", entry(100))
        #expect(cache.entry("prompt") != nil)  // played again: now the most recent
        cache.insert("q3", entry(100))
        #expect(cache.entry("q1") == nil)
        #expect(cache.entry("prompt")?.bytes.readableBytes == 100)
        cache.insert("q4", entry(100))
        #expect(cache.entry("q2") == nil)
        #expect(cache.entry("prompt") != nil)
        #expect(cache.entry("q3") != nil)
        #expect(cache.entry("q4") != nil)
    }

    @Test func keepsWithinItsSizeAndRefusesWhatCannotFit() {
        let cache = AudioBytesCache(capacityBytes: 250)
        cache.insert("big", entry(251))
        #expect(cache.entry("big") == nil)
        cache.insert("a", entry(200))
        cache.insert("b", entry(100))  // 300 > 250: the older one goes
        #expect(cache.entry("a") == nil)
        #expect(cache.entry("b") != nil)
        cache.insert("b", entry(50))  // already there: the stored bytes stay
        #expect(cache.entry("b")?.bytes.readableBytes == 100)
    }
}

@Suite("Audio library")
struct AudioLibraryTests {
    /// A question is fetched moments after it is voiced: the bytes are in memory, not read back.
    @Test func whatItSynthesisesIsServedFromMemory() async throws {
        let store = try await SQLStore.open(.sqliteMemory, logger: TestLine.quiet)
        _ = try await store.migrate()
        let library = AudioLibrary(store: store)
        let key = try await library.audioKey(for: "Tell me about a deadline.", synthesizer: ToneSynthesizer())
        #expect(try await store.audio(key: key) != nil)

        try await store.database.raw("DELETE FROM audio").run()
        let served = try #require(try await library.audio(key: key))
        #expect(served.contentType == "audio/wav")
        #expect(try WAVAudio.parse(Data(served.bytes.readableBytesView)).isTelephonyReady)
        #expect(try await library.has(key: key))
        // Another process (a fresh library) has only the database to go by.
        #expect(try await AudioLibrary(store: store).audio(key: key) == nil)
        try await store.shutdown()
    }
}
