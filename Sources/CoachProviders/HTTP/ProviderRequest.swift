import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request to a provider, rebuilt for every attempt (so a retry resends the same bytes).
public struct ProviderRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]?

    public init(method: HTTPMethod = .POST, url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A JSON POST of `value`.
    public static func json(
        url: String, headers: HTTPHeaders = [:], body value: some Encodable
    ) throws -> ProviderRequest {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        headers.replaceOrAdd(name: "Accept", value: "application/json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ProviderRequest(method: .POST, url: url, headers: headers, body: [UInt8](try encoder.encode(value)))
    }

    func clientRequest() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        return request
    }
}

/// A provider's answer: status, headers and the whole body.
public struct ProviderResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Decodes the body as JSON, or fails with `malformedResponse` saying what was expected.
    public func decodeJSON<T: Decodable>(_ type: T.Type, what: String) throws(ProviderError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw .malformedResponse("\(what): \(Self.describe(error)) in \(body.count) bytes")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "not JSON (\(context.debugDescription))"
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }
}
