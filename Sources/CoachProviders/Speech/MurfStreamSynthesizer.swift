import CoachCore
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore

/// Text to speech over Murf's streaming WebSocket (Falcon, ~130 ms to first audio). One connection is opened
/// on first use and kept for every later utterance, since a new TLS and WebSocket handshake per question would
/// cost more than the synthesis. Each utterance gets its own `context_id`, so several can be in flight on the
/// connection and audio is matched back by id. A connection that drops fails the utterances on it; the next
/// call opens a new one.
///
/// Call `close()` at shutdown: the open connection keeps this actor alive.
public actor MurfStreamSynthesizer: SpeechSynthesizer {
    public nonisolated let configuration: MurfConfiguration
    public nonisolated let metrics: ProviderMetrics
    public nonisolated let circuitBreaker: CircuitBreaker
    /// A connection unused for this long is replaced before use rather than risking Murf's 3-minute idle close
    /// in the middle of an utterance.
    public nonisolated let maxIdleSeconds: Double
    private let logger: Logger
    private let messageEncoder: JSONEncoder

    private var connection: Connection?
    private var utterances: [String: Utterance] = [:]
    private var nextConnectionID = 0
    private var nextUtteranceID = 0
    /// Connections opened so far, for diagnostics and tests.
    public private(set) var connectionsOpened = 0

    public nonisolated var voiceIdentity: String { configuration.voiceIdentity(model: "FALCON") }

    public init(
        configuration: MurfConfiguration, circuitBreaker: CircuitBreaker? = nil, maxIdleSeconds: Double = 120,
        logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = ProviderMetrics(provider: "murf-stream")
        self.circuitBreaker = circuitBreaker ?? CircuitBreaker(provider: "murf-stream")
        self.maxIdleSeconds = maxIdleSeconds
        var logger = logger
        logger[metadataKey: "provider"] = "murf-stream"
        self.logger = logger
        messageEncoder = JSONEncoder()
        messageEncoder.outputFormatting = [.sortedKeys]
    }

    public func synthesize(_ text: String) async throws -> [UInt8] {
        let pieces = TextSplitter(limit: MurfRESTSynthesizer.textLimit).split(text)
        guard !pieces.isEmpty else { throw ProviderError.rejectedContent("nothing to say") }
        let ticket: CircuitBreaker.Ticket
        do {
            ticket = try await circuitBreaker.admit()
        } catch {
            metrics.failed(error)
            throw error
        }
        nextUtteranceID += 1
        let contextID = "coach-\(nextUtteranceID)-\(UInt32.random(in: 0...UInt32.max))"
        let started = ContinuousClock.now
        metrics.requestSent()
        do {
            let samples = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    begin(contextID, pieces: pieces, continuation: continuation)
                }
            } onCancel: {
                Task { await self.finish(contextID, .failure(CancellationError())) }
            }
            metrics.latency((ContinuousClock.now - started).seconds)
            metrics.succeeded()
            await circuitBreaker.recordSuccess(ticket)
            return TelephonyAudio.wavFile(muLaw: samples)
        } catch let error as ProviderError {
            metrics.failed(error)
            await circuitBreaker.recordFailure(ticket, error)
            throw error
        } catch {
            await circuitBreaker.recordAbandoned(ticket)
            throw error
        }
    }

    /// Closes the connection (utterances in flight fail). The next `synthesize` opens a new one.
    public func close() async {
        guard let connection else { return }
        self.connection = nil
        if let outbound = connection.outbound {
            try? await outbound.close(.normalClosure, reason: nil)
        } else {
            connection.task?.cancel()
        }
    }

    // MARK: Utterances

    private func begin(
        _ contextID: String, pieces: [String], continuation: CheckedContinuation<[UInt8], any Error>
    ) {
        let timeout = configuration.timeoutSeconds
        var utterance = Utterance(pieces: pieces, continuation: continuation)
        utterance.timer = Task {
            do {
                try await Task.sleep(for: .seconds(timeout))
            } catch {
                return
            }
            self.finish(contextID, .failure(ProviderError.timeout(timeout)))
        }
        utterances[contextID] = utterance
        if let connection, connection.outbound != nil, isIdleTooLong(connection) {
            retire(connection)
        }
        if let connection {
            if connection.outbound != nil { send(contextID, on: connection) }
            // Otherwise still connecting: `opened` sends every waiting utterance.
        } else {
            openConnection()
        }
    }

    private func send(_ contextID: String, on connection: Connection) {
        guard var utterance = utterances[contextID], let outbound = connection.outbound else { return }
        utterance.connectionID = connection.id
        utterances[contextID] = utterance
        connection.lastUsed = .now
        let messages: [String]
        do {
            messages = try outgoingMessages(contextID, pieces: utterance.pieces)
        } catch {
            finish(contextID, .failure(ProviderError.malformedResponse("could not encode the request: \(error)")))
            return
        }
        let connectionID = connection.id
        Task {
            do {
                for message in messages { try await outbound.writeTextMessage(message) }
            } catch {
                self.sendFailed(contextID, connectionID: connectionID, error: error)
            }
        }
    }

    /// A write that fails usually means the server closed the connection before we noticed: try once more on
    /// a new connection, since no audio can have arrived for this utterance yet.
    private func sendFailed(_ contextID: String, connectionID: Int, error: any Error) {
        guard var utterance = utterances[contextID], utterance.audio.isEmpty, !utterance.resent else {
            finish(contextID, .failure(ProviderError.transport("could not send to Murf: \(error)")))
            return
        }
        logger.debug("send failed; retrying on a new connection", metadata: ["error": "\(error)"])
        utterance.resent = true
        utterance.connectionID = nil
        utterances[contextID] = utterance
        if connection?.id == connectionID { connection = nil }
        if let connection {
            if connection.outbound != nil { send(contextID, on: connection) }
        } else {
            openConnection()
        }
    }

    private func finish(_ contextID: String, _ result: Result<[UInt8], any Error>) {
        guard let utterance = utterances.removeValue(forKey: contextID) else { return }
        utterance.timer?.cancel()
        if case .failure = result, let id = utterance.connectionID, let connection, connection.id == id,
            let outbound = connection.outbound, let clear = try? encode(MurfClearMessage(contextID: contextID))
        {
            // Stop Murf spending characters (and our concurrency slots) on audio nobody will hear.
            Task { try? await outbound.writeTextMessage(clear) }
        }
        utterance.continuation.resume(with: result)
    }

    // MARK: Connection events

    private func openConnection() {
        nextConnectionID += 1
        connectionsOpened += 1
        let connection = Connection(id: nextConnectionID)
        self.connection = connection
        let id = connection.id
        let url = streamURL
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)
        if let name = HTTPField.Name("api-key") {
            configuration.additionalHeaders[name] = self.configuration.apiKey
        }
        let logger = self.logger
        logger.debug("opening Murf stream connection", metadata: ["connection": "\(id)"])
        connection.task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
                    inbound, outbound, _ in
                    await self.opened(id, outbound: outbound)
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        switch message {
                        case .text(let text): await self.received(text, connectionID: id)
                        case .binary(let buffer): await self.received(String(buffer: buffer), connectionID: id)
                        }
                    }
                }
                self.closed(id, error: nil)
            } catch {
                self.closed(id, error: error)
            }
        }
    }

    private func opened(_ id: Int, outbound: WebSocketOutboundWriter) {
        guard let connection, connection.id == id else {
            // Superseded while connecting (closed or replaced): not ours to keep.
            Task { try? await outbound.close(.normalClosure, reason: nil) }
            return
        }
        connection.outbound = outbound
        connection.lastUsed = .now
        for (contextID, utterance) in utterances where utterance.connectionID == nil {
            send(contextID, on: connection)
        }
    }

    private func received(_ text: String, connectionID: Int) {
        connection?.lastUsed = .now
        guard let message = try? JSONDecoder().decode(MurfIncomingMessage.self, from: Data(text.utf8)) else {
            // Without a context id there is no telling whose audio was lost: fail everything on this connection
            // now rather than let each utterance wait for its deadline.
            let failure = ProviderError.malformedResponse("Murf sent a message that is not JSON: \(text.prefix(60))")
            for (contextID, utterance) in utterances where utterance.connectionID == connectionID {
                finish(contextID, .failure(failure))
            }
            return
        }
        if let error = message.error {
            let failure = ProviderError.reported(error.text)
            if let contextID = message.contextID {
                finish(contextID, .failure(failure))
            } else {
                for (contextID, utterance) in utterances where utterance.connectionID == connectionID {
                    finish(contextID, .failure(failure))
                }
            }
            return
        }
        guard let contextID = message.contextID, var utterance = utterances[contextID] else { return }
        if let audio = message.audio, !audio.isEmpty {
            guard let bytes = Data(base64Encoded: audio, options: .ignoreUnknownCharacters) else {
                finish(contextID, .failure(ProviderError.malformedResponse("audio chunk is not base64")))
                return
            }
            utterance.audio +=
                utterance.audio.isEmpty ? MurfStreamWire.strippingWAVHeader([UInt8](bytes)) : [UInt8](bytes)
            utterances[contextID] = utterance
        }
        if message.isFinal {
            if utterance.audio.isEmpty {
                finish(contextID, .failure(ProviderError.malformedResponse("final message without any audio")))
            } else {
                finish(contextID, .success(utterance.audio))
            }
        }
    }

    private func closed(_ id: Int, error: (any Error)?) {
        let wasCurrent = connection?.id == id
        let neverOpened = wasCurrent && connection?.outbound == nil
        if wasCurrent { connection = nil }
        let failure: ProviderError
        switch error {
        case let error as WebSocketClientError where error == .webSocketUpgradeFailed:
            failure = .transport("Murf refused the WebSocket upgrade (check the API key and stream URL)")
        case let error?:
            failure = .transport(neverOpened ? "could not connect to Murf: \(error)" : "connection lost: \(error)")
        case nil:
            failure = .transport(neverOpened ? "Murf closed the connection at once" : "Murf closed the connection")
        }
        logger.debug("Murf stream connection closed", metadata: ["connection": "\(id)", "reason": "\(failure)"])
        for (contextID, utterance) in utterances
        where utterance.connectionID == id || (neverOpened && utterance.connectionID == nil) {
            finish(contextID, .failure(failure))
        }
    }

    // MARK: Helpers

    private func isIdleTooLong(_ connection: Connection) -> Bool {
        guard (ContinuousClock.now - connection.lastUsed).seconds > maxIdleSeconds else { return false }
        return !utterances.values.contains { $0.connectionID == connection.id }
    }

    private func retire(_ connection: Connection) {
        self.connection = nil
        guard let outbound = connection.outbound else { return }
        Task { try? await outbound.close(.normalClosure, reason: "idle") }
    }

    private var streamURL: String {
        let separator = configuration.streamURL.contains("?") ? "&" : "?"
        return configuration.streamURL + separator
            + "model=FALCON&sample_rate=8000&channel_type=MONO&format=ULAW"
    }

    private func outgoingMessages(_ contextID: String, pieces: [String]) throws -> [String] {
        let voice = MurfVoiceConfigMessage(
            voiceConfig: .init(
                voiceID: configuration.voiceId, style: configuration.style, rate: configuration.rate,
                pitch: configuration.pitch),
            contextID: contextID)
        var messages = [try encode(voice)]
        for piece in pieces {
            messages.append(try encode(MurfTextMessage(text: piece, contextID: contextID, end: false)))
        }
        messages.append(try encode(MurfEndMessage(contextID: contextID, end: true)))
        return messages
    }

    private func encode(_ value: some Encodable) throws -> String {
        String(decoding: try messageEncoder.encode(value), as: UTF8.self)
    }

}

/// One WebSocket connection's state; confined to the actor.
private final class Connection {
    let id: Int
    /// Nil while the handshake is under way.
    var outbound: WebSocketOutboundWriter?
    var lastUsed: ContinuousClock.Instant = .now
    var task: Task<Void, Never>?

    init(id: Int) {
        self.id = id
    }
}

private struct Utterance {
    let pieces: [String]
    let continuation: CheckedContinuation<[UInt8], any Error>
    /// The connection its text went out on; nil while waiting for one.
    var connectionID: Int?
    var audio: [UInt8] = []
    var timer: Task<Void, Never>?
    /// Already sent a second time after a failed write.
    var resent = false

    init(pieces: [String], continuation: CheckedContinuation<[UInt8], any Error>) {
        self.pieces = pieces
        self.continuation = continuation
    }
}
