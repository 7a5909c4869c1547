/// Splits text that is over a provider's length limit into pieces under it, breaking where a speaker would
/// pause: between sentences first, then after commas, semicolons and colons, then between words. A word is
/// only cut when it alone is longer than the limit. Lengths are UTF-16 code units, the unit most APIs count in.
public struct TextSplitter: Sendable, Equatable {
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The pieces, in order, each trimmed and non-empty; joining their audio in order gives the whole text.
    public func split(_ text: String) -> [String] {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return [] }
        guard length(trimmed) > limit else { return [trimmed] }
        return pack(Self.pieces(of: trimmed, after: Self.isSentenceEnd), level: .sentences)
    }

    private enum Level {
        case sentences, clauses, words
    }

    /// Greedily joins consecutive pieces while they fit; a piece too long alone is split at the next level.
    private func pack(_ pieces: [String], level: Level) -> [String] {
        var chunks: [String] = []
        var current = ""
        for piece in pieces {
            let candidate = current.isEmpty ? piece : current + " " + piece
            if length(candidate) <= limit {
                current = candidate
                continue
            }
            if !current.isEmpty { chunks.append(current) }
            current = ""
            if length(piece) <= limit {
                current = piece
            } else {
                var parts = finer(piece, than: level)
                // The last part keeps packing with what follows.
                if let last = parts.popLast() { current = last }
                chunks += parts
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    private func finer(_ piece: String, than level: Level) -> [String] {
        switch level {
        case .sentences: pack(Self.pieces(of: piece, after: Self.isClauseEnd), level: .clauses)
        case .clauses: pack(piece.split(whereSeparator: \.isWhitespace).map(String.init), level: .words)
        case .words: hardSplit(piece)
        }
    }

    /// Only for a single "word" longer than the limit (a URL, a run of symbols): cut by characters.
    private func hardSplit(_ word: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for character in word {
            if length(current) + character.utf16.count > limit, !current.isEmpty {
                chunks.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Splits after every character that `isBoundary` accepts when whitespace follows, keeping the punctuation.
    private static func pieces(of text: String, after isBoundary: (Character) -> Bool) -> [String] {
        var pieces: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            if character.isWhitespace, let previous, isBoundary(previous) {
                let piece = current.trimmingWhitespace()
                if !piece.isEmpty { pieces.append(piece) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let piece = current.trimmingWhitespace()
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    private static func isSentenceEnd(_ character: Character) -> Bool {
        ".!?…".contains(character)
    }

    private static func isClauseEnd(_ character: Character) -> Bool {
        ",;:".contains(character) || isSentenceEnd(character)
    }

    private func length(_ text: String) -> Int { text.utf16.count }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
