import Foundation

/// Who is calling, as far as `From` tells. A withheld caller ID is normal on the phone network,
/// never an error: such a caller gets a full interview but no stored profile or progress.
public enum CallerNumber: Sendable, Hashable {
    case known(String)
    case withheld

    /// Values Twilio sends for a blocked or missing caller ID.
    static let withheldValues: Set<String> = ["", "anonymous", "unknown", "restricted", "private", "+266696687"]

    public init(from raw: String?) {
        let trimmed = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if Self.withheldValues.contains(trimmed.lowercased()) {
            self = .withheld
        } else {
            self = .known(trimmed)
        }
    }

    /// The number when known; the storage key of a caller's profile.
    public var number: String? {
        if case .known(let number) = self { return number }
        return nil
    }

    /// For logs: enough to tell callers apart, never the whole number.
    public var masked: String {
        guard let number else { return "withheld" }
        let digits = Array(number)
        guard digits.count > 4 else { return String(repeating: "*", count: digits.count) }
        return String(repeating: "*", count: digits.count - 4) + String(digits.suffix(4))
    }
}
