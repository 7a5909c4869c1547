/// Twilio resource identifiers: a two-letter prefix and 32 lowercase hex digits.
enum Sids {
    static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return prefix + String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }

    static func isValid(_ sid: String, prefix: String) -> Bool {
        sid.hasPrefix(prefix) && sid.count == prefix.count + 32
            && sid.dropFirst(prefix.count).allSatisfy { $0.isHexDigit }
    }
}
