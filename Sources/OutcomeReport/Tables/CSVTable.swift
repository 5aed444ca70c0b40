/// A table to be written as CSV: a header and rows of typed cells.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[CSVCell]] = []

    public init(header: [String], rows: [[CSVCell]] = []) {
        self.header = header
        self.rows = rows
    }

    /// RFC 4180 text (UTF-8, CRLF), safe to open in a spreadsheet: a text cell that begins
    /// with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so no spreadsheet runs it as a
    /// formula (OWASP CSV injection). Numbers are written in full precision.
    public func rendered() -> String {
        var output = ""
        output.reserveCapacity(64 * (rows.count + 1))
        append(header.map(CSVCell.text), to: &output)
        for row in rows { append(row, to: &output) }
        return output
    }

    private func append(_ cells: [CSVCell], to output: inout String) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { output.append(",") }
            output.append(cell.csvText)
        }
        output.append("\r\n")
    }
}

/// One cell of a ``CSVTable``.
public enum CSVCell: Sendable, Equatable {
    case text(String)
    /// A number in full precision; nil, NaN and infinities are written empty ("not defined").
    case number(Double?)
    case integer(Int?)
    case boolean(Bool)

    /// The cell as it appears in the file.
    var csvText: String {
        switch self {
        case .text(let text): return Self.escaped(text)
        case .number(let value):
            guard let value, value.isFinite else { return "" }
            return Self.format(value)
        case .integer(let value): return value.map(String.init) ?? ""
        case .boolean(let value): return value ? "true" : "false"
        }
    }

    /// The shortest text that reads back as exactly `value` (Swift's round-trip form),
    /// with `-0` written as `0`.
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escaped(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        let needsQuotes = text.contains {
            $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n"
        }
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}
