/// Textual URL surgery for signature checks.
///
/// Works on the string itself rather than Foundation's `URL`, which may normalise the text
/// and so change the bytes that were signed.
enum SignedURL {
    /// The URL as given, without its port, and with the scheme's default port added.
    static func variants(of url: String) -> [String] {
        guard let parts = Parts(url) else { return [url] }
        var result = [url]
        for variant in [parts.withoutPort, parts.withDefaultPort].compactMap({ $0 }) where !result.contains(variant) {
            result.append(variant)
        }
        return result
    }

    /// The first value of a query parameter, percent-decoded.
    static func queryValue(named name: String, in url: String) -> String? {
        let beforeFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let questionMark = beforeFragment.firstIndex(of: "?") else { return nil }
        let query = String(beforeFragment[beforeFragment.index(after: questionMark)...])
        return FormEncoding.decode(query).first { $0.0 == name }?.1
    }

    /// scheme://[userinfo@]host[:port]<rest>
    private struct Parts {
        var scheme: String
        var userAndHost: String
        var port: String?
        var rest: String

        init?(_ url: String) {
            guard let separator = url.firstRange(of: "://") else { return nil }
            scheme = String(url[..<separator.lowerBound])
            let afterScheme = url[separator.upperBound...]
            let delimiters: Set<Character> = ["/", "?", "#"]
            let authorityEnd = afterScheme.firstIndex(where: { delimiters.contains($0) }) ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            rest = String(afterScheme[authorityEnd...])
            let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
            let hostAndPort = authority[hostStart...]
            // An IPv6 literal has colons of its own: the port colon comes after the closing bracket.
            let searchFrom = hostAndPort.lastIndex(of: "]") ?? hostAndPort.startIndex
            if let colon = hostAndPort[searchFrom...].lastIndex(of: ":") {
                userAndHost = String(authority[..<colon])
                port = String(authority[authority.index(after: colon)...])
            } else {
                userAndHost = String(authority)
                port = nil
            }
        }

        var withoutPort: String? {
            port == nil ? nil : "\(scheme)://\(userAndHost)\(rest)"
        }

        var withDefaultPort: String? {
            guard port == nil else { return nil }
            switch scheme.lowercased() {
            case "https": return "\(scheme)://\(userAndHost):443\(rest)"
            case "http": return "\(scheme)://\(userAndHost):80\(rest)"
            default: return nil
            }
        }
    }
}
