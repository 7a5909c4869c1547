import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization

/// Murf's streaming synthesis, `wss://.../v1/speech/stream-input`: text in per context, base64 audio chunks out,
/// several contexts at once on one long-lived connection.
///
/// A failure with an HTTP status refuses the WebSocket upgrade, as a gateway in front of Murf would; Hummingbird 2
/// answers every refused upgrade with a bare 400 and `Connection: close`, so the configured status itself does not
/// reach the client. With `FakeControl.murfStreamFailuresAsMessages` the upgrade succeeds instead and the failure is
/// reported on the socket as `{"error": ..., "code": status}` then a close (1013 "try again later" for 429/503,
/// 1011 for 500, 1008 otherwise). The other failures act on the open socket: malformed or truncated messages, or a
/// drop after the first chunk.
struct FakeMurfStream: Sendable {
    static let path = "/v1/speech/stream-input"
    let control: FakeControl

    func register(webSocketRouter: Router<FakeRequestContext>, router: Router<FakeRequestContext>) {
        webSocketRouter.ws(RouterPath(Self.path)) { request, context in
            control.log(
                FakeRequestLog(
                    service: .murfStream, method: request.method.rawValue, path: request.uri.path,
                    query: request.uri.query, headers: request.headers.map { ($0.name.rawName, $0.value) }, body: []))
            let failure = control.takeFailure(.murfStream)
            context.upgradeNote.failure = failure
            if failure?.httpStatus != nil, !control.murfStreamFailuresAsMessages {
                return .dontUpgrade
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let session = MurfStreamSession(
                control: control, request: context.request, note: context.requestContext.upgradeNote,
                outbound: outbound)
            try await session.run(inbound)
        }
        // A plain GET without upgrade headers.
        router.get(RouterPath(Self.path)) { _, _ in
            MurfError.reply(status: 426, message: "Expected a WebSocket upgrade").response
        }
    }
}

/// One open Murf WebSocket: reads client messages, keeps text per context, speaks finished contexts.
final class MurfStreamSession: Sendable {
    /// Audio bytes per chunk; keeps every message under 16 KiB, the default frame limit of many WebSocket clients.
    static let chunkBytes = 8000

    private struct ContextState {
        var text = ""
        /// Bumped by clear, so speech already under way for the old generation stops.
        var generation = 0
    }

    private struct State {
        var contexts: [String: ContextState] = [:]
        var droppedAlready = false
    }

    private let control: FakeControl
    private let outbound: WebSocketOutboundWriter
    private let note: UpgradeNote
    private let query: [String: String]
    private let apiKey: String?
    private let state = Mutex(State())

    init(control: FakeControl, request: Request, note: UpgradeNote, outbound: WebSocketOutboundWriter) {
        self.control = control
        self.outbound = outbound
        self.note = note
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        self.query = query
        let header = request.headers[HTTPField.Name("api-key")!]
        self.apiKey = [header, query["api-key"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    func run(_ inbound: WebSocketInboundStream) async throws {
        let format: MurfAudioFormat
        switch connectionCheck() {
        case .success(let value): format = value
        case .failure(let refusal):
            try await awaitFirstMessage(inbound)
            try await send(refusal.message)
            try await outbound.close(refusal.closeCode, reason: refusal.message["error"]?.stringValue)
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else {
                    try await send(["error": "Binary messages are not supported; send JSON text"])
                    continue
                }
                control.logStreamMessage(text)
                if let job = try await handle(text) {
                    group.addTask { try await self.speak(job, format: format) }
                }
            }
            // The client closed: speech still under way has nobody to hear it.
            group.cancelAll()
        }
    }

    /// Why the connection is refused, said in a message then a close frame.
    private struct Refusal: Error {
        var message: JSONValue
        var closeCode: WebSocketErrorCode
    }

    /// The audio format asked for in the query, unless the key, the format or a configured failure refuses it.
    private func connectionCheck() -> Result<MurfAudioFormat, Refusal> {
        guard apiKey != nil else {
            return .failure(Refusal(message: ["error": "Invalid api key"], closeCode: .policyViolation))
        }
        if let failure = note.failure, let status = failure.httpStatus {
            let (text, code): (String, WebSocketErrorCode) =
                switch (failure, status) {
                case (.insufficientQuota, _), (_, 402): ("Character limit exhausted", .policyViolation)
                case (_, 401), (_, 403): ("Invalid api key", .policyViolation)
                case (_, 429): ("Rate limit exceeded", .unknown(1013))
                case (_, 503): ("Service unavailable", .unknown(1013))
                case (_, 500): ("Internal server error", .unexpectedServerError)
                default: ("Fake failure \(failure.rawValue)", .policyViolation)
                }
            let reported = failure == .insufficientQuota ? 402 : status
            return .failure(Refusal(message: ["error": .string(text), "code": .int(reported)], closeCode: code))
        }
        return MurfAudioFormat.parse(
            format: query["format"], sampleRate: query["sample_rate"].map { Int($0) ?? -1 },
            channelType: query["channel_type"], defaults: .stream
        ).mapError { Refusal(message: ["error": .string($0.text)], closeCode: .policyViolation) }
    }

    /// Waits for the client's first message, or half a second. A frame sent in the same TCP packet as the 101
    /// response can be lost by NIO-based clients (seen with HummingbirdWSClient 2.8.1, which then hangs), so a
    /// refusal is not sent the instant the socket opens.
    private func awaitFirstMessage(_ inbound: WebSocketInboundStream) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                _ = try await iterator.next()
            }
            group.addTask { try await Task.sleep(for: .milliseconds(500)) }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private struct Job: Sendable {
        var contextID: String?
        var text: String
        var generation: Int
    }

    /// Applies one client message; returns the speech to start when it finished a context.
    private func handle(_ text: String) async throws -> Job? {
        guard let message = JSONValue.parse(Array(text.utf8)), case .object = message else {
            try await send(["error": "Invalid JSON message"])
            return nil
        }
        let contextID = message["context_id"]?.stringValue
        let key = contextID ?? ""
        if message["clear"]?.boolValue == true {
            state.withLock { state in
                let generation = (state.contexts[key]?.generation ?? 0) + 1
                state.contexts[key] = ContextState(generation: generation)
            }
            return nil
        }
        // The voice is checked but not used: every voice sounds like the same tone here.
        var recognised = false
        let voiceConfig = message["voice_config"]
        let voice =
            voiceConfig?["voice_id"]?.stringValue ?? voiceConfig?["voiceId"]?.stringValue
            ?? message["voiceId"]?.stringValue ?? message["voice_id"]?.stringValue
        if voiceConfig != nil || voice != nil {
            guard let voice, !voice.isEmpty else {
                try await send(["error": "voice_config.voice_id is required", "context_id": contextID.json])
                return nil
            }
            recognised = true
        }
        if let piece = message["text"]?.stringValue {
            recognised = true
            state.withLock { $0.contexts[key, default: ContextState()].text += piece }
        }
        if message["end"]?.boolValue == true {
            let job = state.withLock { state -> Job in
                let context = state.contexts[key] ?? ContextState()
                // The context is finished; a later message with the same id starts afresh.
                state.contexts[key] = ContextState(generation: context.generation)
                return Job(contextID: contextID, text: context.text, generation: context.generation)
            }
            guard !job.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                try await send(["error": "No text to synthesize for this context", "context_id": contextID.json])
                return nil
            }
            return job
        }
        if !recognised, message["end"] == nil {
            try await send(["error": "Unrecognised message", "context_id": contextID.json])
        }
        return nil
    }

    /// After the latency, the audio in chunks (the first with the WAV header when format=WAV), then the final mark.
    private func speak(_ job: Job, format: MurfAudioFormat) async throws {
        try await control.behavior(.murfStream).sleepLatency()
        let audio = [UInt8](format.render(text: job.text))
        let count = max(3, (audio.count + Self.chunkBytes - 1) / Self.chunkBytes)
        let size = (audio.count + count - 1) / count
        let failure = note.failure
        let id = job.contextID.json
        for index in 0..<count {
            guard isCurrent(job) else { return }
            let chunk = audio[min(audio.count, index * size)..<min(audio.count, (index + 1) * size)]
            let message = JSONValue.object(["audio": .string(Data(chunk).base64EncodedString()), "context_id": id])
            if index == 0, failure == .malformedJSON {
                try await outbound.write(.text("<html><body>502 Bad Gateway</body></html>"))
                return
            }
            if index == 0, failure == .truncatedBody {
                let text = message.encodedString
                try await outbound.write(.text(String(text.prefix(text.count / 2))))
            } else {
                try await send(message)
            }
            if failure == .droppedStream, shouldDrop() {
                // Give the chunk time to leave, then cut the TCP connection without a close frame.
                try await Task.sleep(for: .milliseconds(50))
                try await note.channel.close()
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard isCurrent(job) else { return }
        let finalKey = control.murfUsesCookbookSpelling ? "isFinalAudio" : "final"
        try await send(.object([finalKey: true, "context_id": id]))
    }

    private func isCurrent(_ job: Job) -> Bool {
        state.withLock { ($0.contexts[job.contextID ?? ""]?.generation ?? 0) == job.generation }
    }

    /// Only the first chunk on the connection drops it.
    private func shouldDrop() -> Bool {
        state.withLock { state in
            defer { state.droppedAlready = true }
            return !state.droppedAlready
        }
    }

    private func send(_ message: JSONValue) async throws {
        try await outbound.write(.text(message.encodedString))
    }
}
