import AsyncHTTPClient
import CoachFakes
import CoachTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

let testLogger: Logger = {
    var logger = Logger(label: "CoachFakesTests")
    logger.logLevel = ProcessInfo.processInfo.environment["FAKES_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}()

/// Fresh fakes for one test (see `CoachTestSupport.withFakes`), logging to this target's logger.
func withFakes(_ body: (RunningFakes, FakeControl) async throws -> Void) async throws {
    try await CoachTestSupport.withFakes(logger: testLogger, body)
}

/// Shared for the whole test process, never shut down: one follows redirects (as media downloads must), one does not.
enum Clients {
    static let following = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .follow(max: 5, allowCycles: false)))
    static let notFollowing = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
}

struct Fetched: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var elapsed: Duration

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object; throws when it is not one.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestFailure("body is not a JSON object: \(text.prefix(200))")
        }
        return object
    }

    var isJSON: Bool { (try? JSONSerialization.jsonObject(with: Data(body))) != nil }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func fetch(
    _ url: String,
    method: HTTPMethod = .GET,
    headers: [(String, String)] = [],
    body: [UInt8]? = nil,
    followRedirects: Bool = true
) async throws -> Fetched {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers {
        request.headers.add(name: name, value: value)
    }
    if let body {
        request.body = .bytes(ByteBuffer(bytes: body))
    }
    let client = followRedirects ? Clients.following : Clients.notFollowing
    let clock = ContinuousClock()
    let start = clock.now
    let response = try await client.execute(request, timeout: .seconds(30))
    let collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
    return Fetched(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: Array(collected.readableBytesView),
        elapsed: clock.now - start
    )
}

/// POSTs JSON with the given auth headers.
func postJSON(_ url: String, _ object: [String: Any], headers: [(String, String)]) async throws -> Fetched {
    let body = try JSONSerialization.data(withJSONObject: object)
    return try await fetch(
        url, method: .POST, headers: [("Content-Type", "application/json")] + headers, body: Array(body))
}

let openAIAuth = [("Authorization", "Bearer sk-test")]
let murfAuth = [("api-key", "murf-test-key")]

/// A multipart/form-data body with CRLF line ends, as RFC 7578 has it.
func multipartBody(
    boundary: String,
    fields: [(String, String)],
    file: (filename: String, bytes: [UInt8])?
) -> [UInt8] {
    var body: [UInt8] = []
    func line(_ text: String) { body += Array((text + "\r\n").utf8) }
    for (name, value) in fields {
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"\(name)\"")
        line("")
        line(value)
    }
    if let file {
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"file\"; filename=\"\(file.filename)\"")
        line("Content-Type: application/octet-stream")
        line("")
        body += file.bytes
        line("")
    }
    line("--\(boundary)--")
    return body
}

func transcribe(
    _ fakes: RunningFakes,
    audio: [UInt8]?,
    filename: String = "answer.wav",
    fields: [(String, String)] = [("model", "whisper-1")]
) async throws -> Fetched {
    let boundary = "----coachfakes\(UUID().uuidString)"
    return try await fetch(
        fakes.openAIBaseURL + "/audio/transcriptions", method: .POST,
        headers: openAIAuth + [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
        body: multipartBody(boundary: boundary, fields: fields, file: audio.map { (filename, $0) }))
}

func chatBody(_ messages: [(String, String)], responseFormat: [String: Any]? = nil) -> [String: Any] {
    var body: [String: Any] = [
        "model": "gpt-4o-mini",
        "messages": messages.map { ["role": $0.0, "content": $0.1] },
    ]
    body["response_format"] = responseFormat
    return body
}

func chat(_ fakes: RunningFakes, _ body: [String: Any], headers: [(String, String)] = openAIAuth) async throws
    -> Fetched
{
    try await postJSON(fakes.openAIBaseURL + "/chat/completions", body, headers: headers)
}

/// The assistant message of a chat completion.
func assistantMessage(_ fetched: Fetched) throws -> [String: Any] {
    let json = try fetched.json()
    guard let choices = json["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any]
    else { throw TestFailure("no choices[0].message in \(fetched.text)") }
    return message
}

/// Collects what a WebSocket receives, across the client's task boundary.
final class Received: Sendable {
    private let messages = Mutex<[String]>([])

    func append(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }

    /// Parsed JSON objects; a message that is not one is kept as `["unparsed": text]`.
    var objects: [[String: Any]] {
        all.map { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? ["unparsed": text]
        }
    }

    /// The concatenated audio of one context.
    func audio(context: String) -> [UInt8] {
        objects.filter { $0["context_id"] as? String == context }.compactMap { $0["audio"] as? String }
            .flatMap { [UInt8](Data(base64Encoded: $0) ?? Data()) }
    }

    func chunkCount(context: String) -> Int {
        objects.filter { $0["context_id"] as? String == context && $0["audio"] != nil }.count
    }

    func finished(context: String, key: String = "final") -> Bool {
        objects.contains { $0["context_id"] as? String == context && $0[key] as? Bool == true }
    }
}

func jsonText(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}
