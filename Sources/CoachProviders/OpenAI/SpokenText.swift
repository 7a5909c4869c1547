import Foundation

/// Checks on model text that will be spoken on a phone line, and the normalisation used to compare questions.
enum SpokenText {
    /// Characters that mean Markdown, HTML or placeholders: a voice would read them out or stumble.
    static let markup: Set<Character> = ["<", ">", "*", "#", "[", "]", "{", "}", "`", "|"]

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// Fails with `rejectedContent` naming `field` when the text is empty, too long or carries markup.
    static func validate(_ text: String, field: String, maxWords: Int) throws(ProviderError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .rejectedContent("\(field) is empty") }
        let words = wordCount(trimmed)
        guard words <= maxWords else { throw .rejectedContent("\(field) has \(words) words, over \(maxWords)") }
        if let character = trimmed.first(where: { markup.contains($0) }) {
            throw .rejectedContent("\(field) contains markup '\(character)'")
        }
        // A voice cannot say them, and PostgreSQL refuses NUL in text.
        if trimmed.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0)
        }) {
            throw .rejectedContent("\(field) contains control characters")
        }
    }

    /// Lower-case letters and digits separated by single spaces: "What's your...?" equals "whats your".
    static func normalized(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingSpace, !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.append(character)
            } else if character.isWhitespace || character == "-" || character == "/" {
                pendingSpace = true
            }
        }
        return result
    }

    /// FNV-1a 64 as hex: stable across processes (Swift's `Hasher` is seeded per run), for ids.
    static func shortHash(_ text: String, hexDigits: Int = 10) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return String(padded.prefix(hexDigits))
    }
}
