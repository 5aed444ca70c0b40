/// Accumulates an SVG document as text: one element per line, two-space indentation,
/// attributes in the order given, every attribute value and text node XML-escaped.
///
/// The writer does no I/O and checks no nesting: each ``open(_:_:)`` must be matched by
/// a ``close(_:)`` with the same name.
struct SVGWriter {
    /// An element attribute; a `nil` value omits the attribute.
    typealias Attribute = (name: String, value: String?)

    /// The text written so far.
    private(set) var document = ""
    private var depth = 0

    /// Starts the document with an XML declaration.
    init() {
        document = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
    }

    /// Writes a start tag and indents what follows.
    mutating func open(_ name: String, _ attributes: [Attribute] = []) {
        line("<" + name + Self.attributeText(attributes) + ">")
        depth += 1
    }

    /// Writes an end tag.
    mutating func close(_ name: String) {
        depth = max(0, depth - 1)
        line("</" + name + ">")
    }

    /// Writes an element with no content, e.g. `<rect .../>`.
    mutating func empty(_ name: String, _ attributes: [Attribute] = []) {
        line("<" + name + Self.attributeText(attributes) + "/>")
    }

    /// Writes an element whose content is `text`, escaped.
    mutating func text(_ name: String, _ attributes: [Attribute] = [], _ text: String) {
        line("<" + name + Self.attributeText(attributes) + ">" + Self.escape(text) + "</" + name + ">")
    }

    private mutating func line(_ content: String) {
        document += String(repeating: "  ", count: depth) + content + "\n"
    }

    private static func attributeText(_ attributes: [Attribute]) -> String {
        var text = ""
        for attribute in attributes {
            guard let value = attribute.value else { continue }
            text += " " + attribute.name + "=\"" + escape(value) + "\""
        }
        return text
    }

    /// `text` made safe for XML 1.0 content and quoted attribute values.
    ///
    /// Escapes `&`, `<`, `>`, `"` and `'`; turns tabs and line breaks into spaces; drops
    /// other control characters and U+FFFE/U+FFFF, which XML 1.0 forbids even escaped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A coordinate or length: at most two decimals, no trailing zeros, no `-0`.
    static func number(_ value: Double) -> String {
        DecimalFormat.compact(value, places: 2)
    }
}
