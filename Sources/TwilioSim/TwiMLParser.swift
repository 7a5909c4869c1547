import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element: just enough structure to validate TwiML.
struct XMLElementNode: Sendable, Equatable {
    enum Content: Sendable, Equatable {
        case element(XMLElementNode)
        case text(String)
    }

    var name: String
    var attributes: [String: String]
    var contents: [Content]
    var line: Int

    var elements: [XMLElementNode] {
        contents.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// All direct text, entities resolved.
    var text: String {
        contents.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }
}

/// Turns a document into an element tree with FoundationXML's parser.
enum TwiMLParser {
    struct ParseError: Error, Sendable, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "malformed XML at line \(line): \(reason)" }
    }

    static func parse(_ bytes: [UInt8]) -> Result<XMLElementNode, ParseError> {
        let parser = XMLParser(data: Data(bytes))
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        let succeeded = parser.parse()
        if !succeeded || builder.root == nil {
            let reason = parser.parserError.map { String(describing: $0) } ?? "no root element"
            return .failure(ParseError(line: parser.lineNumber, reason: reason))
        }
        guard let root = builder.root else {
            return .failure(ParseError(line: parser.lineNumber, reason: "no root element"))
        }
        return .success(root)
    }

    /// Collects the tree as the parser reports it; lives only for one `parse` call.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLElementNode] = []
        var root: XMLElementNode?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String]
        ) {
            stack.append(
                XMLElementNode(name: elementName, attributes: attributes, contents: [], line: parser.lineNumber))
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            guard let finished = stack.popLast() else { return }
            if stack.isEmpty {
                root = finished
            } else {
                stack[stack.count - 1].contents.append(.element(finished))
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            appendText(string)
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            appendText(String(decoding: block, as: UTF8.self))
        }

        private func appendText(_ text: String) {
            guard !stack.isEmpty else { return }
            // The parser may deliver one run of text in pieces: keep them together.
            if case .text(let previous) = stack[stack.count - 1].contents.last {
                stack[stack.count - 1].contents[stack[stack.count - 1].contents.count - 1] = .text(previous + text)
            } else {
                stack[stack.count - 1].contents.append(.text(text))
            }
        }
    }
}
