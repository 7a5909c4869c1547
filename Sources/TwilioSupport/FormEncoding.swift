/// `application/x-www-form-urlencoded` as Twilio sends it and as our server reads it.
///
/// Pairs stay ordered and repeated keys are kept, because Twilio can repeat a key and the
/// request signature covers every value.
public enum FormEncoding {
    /// Encodes pairs as `name=value&...`: RFC 3986 unreserved characters stay as they are,
    /// a space becomes `+`, every other byte of the UTF-8 form is percent-encoded.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encodeComponent($0.0))=\(encodeComponent($0.1))" }.joined(separator: "&")
    }

    /// Decodes a form body into ordered pairs. `+` is a space, `%XX` is a byte; a malformed
    /// escape is kept literally and invalid UTF-8 is repaired rather than rejected, so junk
    /// from the network never throws.
    public static func decode(_ body: String) -> [(String, String)] {
        decode(bytes: Array(body.utf8))
    }

    /// `decode` on the body's bytes as they arrived. Works on bytes throughout: splitting the
    /// `String` walked it character by character, a cost every webhook paid.
    public static func decode(bytes: [UInt8]) -> [(String, String)] {
        bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { field in
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else {
                return (decodeComponent(bytes: field), "")
            }
            return (
                decodeComponent(bytes: field[field.startIndex..<equals]),
                decodeComponent(bytes: field[(equals + 1)...])
            )
        }
    }

    /// Percent-encodes one name or value.
    public static func encodeComponent(_ text: some StringProtocol) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else if byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Reverses `encodeComponent`, tolerating stray `%` signs.
    public static func decodeComponent(_ text: some StringProtocol) -> String {
        decodeComponent(bytes: Array(text.utf8)[...])
    }

    private static func decodeComponent(bytes: ArraySlice<UInt8>) -> String {
        // Most names and values need no decoding at all.
        guard bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
