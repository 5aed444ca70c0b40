/// How an export is written: what ingest detected (or was told) before parsing it.
public struct Dialect: Sendable, Equatable {
    public var encoding: TextEncoding
    public var hasByteOrderMark: Bool
    /// The field delimiter: `,`, `;`, tab or `|`.
    public var delimiter: UInt8
    public var lineEnding: LineEnding
    /// Whether `,` is accepted as a decimal separator (the default where the delimiter is `;`).
    public var decimalComma: Bool

    /// The delimiter as people name it: `,`, `;`, `tab` or `|`.
    public var delimiterName: String {
        delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
    }

    /// The delimiters that are tried, in order of preference on a tie.
    public static let candidateDelimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]

    /// Parses a delimiter as given on the command line: a character or `tab`.
    public static func delimiter(named name: String) -> UInt8? {
        switch name.lowercased() {
        case "tab", "\\t", "\t": 0x09
        case ",", "comma": 0x2C
        case ";", "semicolon": 0x3B
        case "|", "pipe": 0x7C
        default: nil
        }
    }
}

/// The line terminator most used in an export.
public enum LineEnding: String, Sendable {
    case lf = "LF"
    case crlf = "CRLF"
    case cr = "CR"
    /// A file of one line with no terminator.
    case none
}
