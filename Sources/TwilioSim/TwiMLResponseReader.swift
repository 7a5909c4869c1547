import Foundation

/// Turns a webhook's HTTP response into TwiML, applying the checks Twilio makes before it
/// runs anything. Any failure here is an application error: Twilio requests the fallback URL.
enum TwiMLResponseReader {
    /// Twilio refuses documents over 64 kB (error 11750).
    static let maxDocumentBytes = 64 * 1024

    struct Failure: Error, Sendable {
        /// Twilio's error code, sent to the fallback URL as `ErrorCode`.
        var code: Int
        var message: String
    }

    struct Document: Sendable {
        var verbs: [TwiMLVerb]
        /// Schema problems that did not stop execution.
        var violations: [String]
        var notes: [String]
    }

    static func read(_ response: SimResponse) -> Result<Document, Failure> {
        guard (200..<300).contains(response.status) else {
            return .failure(Failure(code: 11200, message: "HTTP \(response.status) from the webhook"))
        }
        if let problem = contentTypeProblem(response.header("Content-Type")) {
            return .failure(Failure(code: 12300, message: problem))
        }
        if response.bodyTruncated || response.body.count > maxDocumentBytes {
            let size = response.bodyTruncated ? "more than \(response.body.count)" : "\(response.body.count)"
            return .failure(
                Failure(code: 11750, message: "document is \(size) bytes; the limit is \(maxDocumentBytes)"))
        }
        if response.body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            return .failure(Failure(code: 12100, message: "empty document"))
        }
        if let problem = leadingContentProblem(response.body) {
            return .failure(Failure(code: 12100, message: problem))
        }
        let root: XMLElementNode
        switch TwiMLParser.parse(response.body) {
        case .failure(let error):
            return .failure(Failure(code: 12100, message: error.description))
        case .success(let parsed):
            root = parsed
        }
        guard root.name == "Response" else {
            return .failure(Failure(code: 12100, message: "root element is <\(root.name)>, not <Response>"))
        }
        let output = TwiMLValidator.validate(root)
        return .success(Document(verbs: output.verbs, violations: output.violations, notes: output.notes))
    }

    /// `text/xml` or `application/xml`, with or without parameters such as charset.
    static func contentTypeProblem(_ header: String?) -> String? {
        guard let header, !header.isEmpty else {
            return "no Content-Type; TwiML must be served as text/xml or application/xml"
        }
        let mediaType = header.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == "text/xml" || mediaType == "application/xml" else {
            return "Content-Type '\(header)' is not text/xml or application/xml"
        }
        return nil
    }

    /// The XML declaration must be the very first bytes: a blank line before it is error 12100.
    static func leadingContentProblem(_ body: [UInt8]) -> String? {
        let declaration = Array("<?xml".utf8)
        guard !body.starts(with: declaration) else { return nil }
        let limit = min(body.count, 4096)
        guard let position = (0..<limit).first(where: { body[$0...].starts(with: declaration) }) else {
            return nil
        }
        return "\(position) byte(s) before <?xml; the declaration must come first"
    }
}
