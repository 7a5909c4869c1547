import Foundation

/// One part of a multipart/form-data body.
struct MultipartPart: Sendable, Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a multipart body could not be read.
struct MultipartError: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// A strict RFC 7578 multipart/form-data reader: CRLF line ends, a closing delimiter, a Content-Disposition with a
/// name on every part. Strict on purpose: a client that builds the body wrongly should fail here, not at OpenAI.
enum MultipartParser {
    /// The boundary parameter of a `multipart/form-data` Content-Type, unquoted; `nil` for any other type.
    static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = pieces.first, type.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else {
                continue
            }
            let value = unquote(pair[1].trimmingCharacters(in: .whitespaces))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) throws(MultipartError) -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        // Every delimiter after the first is preceded by CRLF, which belongs to the delimiter, not the part.
        let innerDelimiter = Array("\r\n--\(boundary)".utf8)
        guard let first = find(delimiter, in: body, from: 0) else {
            throw MultipartError(description: "no boundary '\(boundary)' in the body")
        }
        var parts: [MultipartPart] = []
        var cursor = first + delimiter.count
        while true {
            if body[cursor...].starts(with: Array("--".utf8)) {
                return parts
            }
            guard body[cursor...].starts(with: crlf) else {
                throw MultipartError(description: "boundary line not followed by CRLF")
            }
            cursor += 2
            guard let next = find(innerDelimiter, in: body, from: cursor) else {
                throw MultipartError(description: "missing closing boundary '--\(boundary)--'")
            }
            parts.append(try part(body[cursor..<next]))
            cursor = next + innerDelimiter.count
        }
    }

    private static let crlf: [UInt8] = [13, 10]

    private static func part(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPart {
        guard let headerEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: bytes.startIndex) else {
            // A part with no headers at all starts directly with the blank line.
            throw MultipartError(description: "part has no header block")
        }
        let headerText = String(decoding: bytes[bytes.startIndex..<headerEnd], as: UTF8.self)
        var disposition: String?
        var contentType: String?
        for line in headerText.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch pair[0].trimmingCharacters(in: .whitespaces).lowercased() {
            case "content-disposition": disposition = value
            case "content-type": contentType = value
            default: break
            }
        }
        guard let disposition else { throw MultipartError(description: "part without Content-Disposition") }
        let parameters = dispositionParameters(disposition)
        guard let name = parameters["name"] else {
            throw MultipartError(description: "Content-Disposition without a name: \(disposition)")
        }
        return MultipartPart(
            name: name,
            filename: parameters["filename"],
            contentType: contentType,
            body: Array(bytes[(headerEnd + 4)...])
        )
    }

    /// `form-data; name="file"; filename="a b.wav"` to `["name": "file", "filename": "a b.wav"]`;
    /// semicolons inside quotes do not split.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var result: [String: String] = [:]
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = unquote(
                pair[1].trimmingCharacters(in: .whitespaces))
        }
        return result
    }

    private static func unquote(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// Index of the first occurrence of `needle` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from start: Int) -> Int? {
        guard let head = needle.first, haystack.endIndex - start >= needle.count else { return nil }
        let lastStart = haystack.endIndex - needle.count
        return haystack.withContiguousStorageIfAvailable { buffer -> Int? in
            guard let bytes = UnsafeRawPointer(buffer.baseAddress) else { return nil }
            let base = haystack.startIndex
            var index = start
            while index <= lastStart {
                // memchr finds each candidate first byte: uploads are megabytes of audio.
                guard let hit = memchr(bytes + (index - base), Int32(head), lastStart - index + 1) else { return nil }
                index = base + (UnsafeRawPointer(hit) - bytes)
                var matched = true
                for offset in 1..<needle.count where buffer[index - base + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
                index += 1
            }
            return nil
        } ?? nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        find(needle, in: haystack[...], from: start)
    }
}
