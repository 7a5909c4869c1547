import Foundation
import NIOHTTP1

/// Turns a non-success HTTP answer into a `ProviderError`, reading the error body shapes the providers
/// use: OpenAI's `{"error":{"message","type","code"}}`, `{"error":"..."}`, Murf's
/// `{"errorMessage","errorCode"}` and the common `{"message"}` / `{"detail"}`.
enum ProviderErrorMapper {
    static func error(status: Int, headers: HTTPHeaders, body: [UInt8]) -> ProviderError {
        let detail = ErrorDetail(body: body)
        let message = detail.message ?? (status == 0 ? "no status" : "HTTP \(status)")
        switch status {
        case 401, 403:
            return .unauthorized(status: status, message: message)
        case 402:
            return .quotaExhausted(message)
        case 429:
            if detail.code == "insufficient_quota" || detail.type == "insufficient_quota" {
                return .quotaExhausted(message)
            }
            return .rateLimited(retryAfter: retryAfter(headers))
        default:
            return .http(status: status, code: detail.code ?? detail.type, message: message)
        }
    }

    /// Seconds from `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date).
    static func retryAfter(_ headers: HTTPHeaders, now: Date = Date()) -> Double? {
        if let milliseconds = headers.first(name: "retry-after-ms").flatMap(Double.init), milliseconds >= 0 {
            return milliseconds / 1000
        }
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// The useful parts of an error body, whatever its shape; all nil when the body is not JSON.
private struct ErrorDetail {
    var message: String?
    var code: String?
    var type: String?

    init(body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? nil : text
            return
        }
        if let error = object["error"] as? [String: Any] {
            message = error["message"] as? String
            code = Self.string(error["code"])
            type = error["type"] as? String
        } else if let error = object["error"] as? String {
            message = error
        }
        message =
            message ?? object["errorMessage"] as? String ?? object["message"] as? String
            ?? object["detail"] as? String
        code = code ?? Self.string(object["errorCode"]) ?? Self.string(object["code"])
        if let text = message, text.count > 300 { message = String(text.prefix(300)) + "…" }
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        default: nil
        }
    }
}
