import CoachCore

/// The fields of one Twilio request (form body or query), with the few we use named.
public struct TwilioParameters: Sendable {
    public let pairs: [(String, String)]
    /// Our own query parameters on the action URL (`q`, `attempt`, `resume`), kept apart from Twilio's.
    public let query: [String: String]

    /// NUL characters are dropped from values: they mean nothing in a call and PostgreSQL refuses
    /// them in text, which would lose the whole callback.
    public init(pairs: [(String, String)], query: [String: String] = [:]) {
        // A byte scan: `contains("\u{0}")` took Foundation's string search, for every parameter of
        // every webhook (docs/benchmarks-history.md, round thirteen).
        self.pairs = pairs.map {
            ($0.0, $0.1.utf8.contains(0) ? $0.1.replacingOccurrences(of: "\u{0}", with: "") : $0.1)
        }
        self.query = query
    }

    public subscript(_ name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    public var callSid: String? { self["CallSid"].flatMap { $0.isEmpty ? nil : $0 } }
    public var caller: CallerNumber { CallerNumber(from: self["From"]) }
    public var digits: String? { self["Digits"] }
    public var speech: String? { self["SpeechResult"] }

    public func queryInt(_ name: String, default fallback: Int) -> Int {
        query[name].flatMap(Int.init) ?? fallback
    }
}
