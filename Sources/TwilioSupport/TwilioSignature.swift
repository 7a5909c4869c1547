import Crypto

/// The `X-Twilio-Signature` scheme, matching the official helper libraries.
public enum TwilioSignature {
    /// The header Twilio puts the signature in.
    public static let headerName = "X-Twilio-Signature"

    /// base64(HMAC-SHA1(authToken, url + sorted params)).
    ///
    /// Parameters are sorted by name, then by value, in byte order; a name repeated with the
    /// same value counts once, as in twilio-python (`sorted(set(values))`).
    public static func compute(url: String, parameters: [(String, String)], authToken: String) -> String {
        compute(url: url, signedParameters: signedBytes(of: parameters), authToken: authToken)
    }

    private static func compute(url: String, signedParameters: [UInt8], authToken: String) -> String {
        let key = SymmetricKey(data: Array(authToken.utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(url.utf8) + signedParameters, using: key)
        return Base64.encode(Array(mac))
    }

    /// What the parameters add to the signed text: each unique pair in order, name then value.
    private static func signedBytes(of parameters: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for pair in Set(parameters.map { Pair(name: $0.0, value: $0.1) }).sorted() {
            bytes += pair.name.utf8
            bytes += pair.value.utf8
        }
        return bytes
    }

    /// Accepts the URL as given, with its port removed, or with the scheme's default port added,
    /// because proxies and the helper libraries disagree about which form Twilio signed.
    public static func isValid(
        signature: String,
        url: String,
        parameters: [(String, String)],
        authToken: String
    ) -> Bool {
        let signedParameters = signedBytes(of: parameters)
        func matches(_ candidate: String) -> Bool {
            constantTimeEquals(
                compute(url: candidate, signedParameters: signedParameters, authToken: authToken), signature)
        }
        // The URL as given matches almost always, so the variants are made only when it does not.
        // Each comparison takes constant time; which form matched is no secret.
        return matches(url) || SignedURL.variants(of: url).dropFirst().contains(where: matches)
    }

    /// JSON bodies: the URL's `bodySHA256` must equal the hex SHA-256 of the body, and the
    /// signature covers the URL alone.
    public static func isValidJSON(signature: String, url: String, body: [UInt8], authToken: String) -> Bool {
        guard let claimed = SignedURL.queryValue(named: "bodySHA256", in: url) else { return false }
        let actual = SHA256.hash(data: body).map { hexByte($0) }.joined()
        let bodyMatches = constantTimeEquals(actual, claimed.lowercased())
        let signatureMatches = isValid(signature: signature, url: url, parameters: [], authToken: authToken)
        return bodyMatches && signatureMatches
    }

    /// Compares two strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// One name/value pair, ordered by the bytes of the name, then of the value.
    private struct Pair: Hashable, Comparable {
        var name: String
        var value: String

        static func < (lhs: Pair, rhs: Pair) -> Bool {
            if lhs.name != rhs.name {
                return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
    }
}
