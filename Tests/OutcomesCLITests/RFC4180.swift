import Foundation

/// A strict RFC 4180 reader for the CSV files the program writes: records end with CRLF
/// (the last one too), a field is either unquoted (no `"`, CR or LF in it) or quoted with
/// `""` for a quote, and every record has the header's field count.
struct RFC4180Document: Equatable {
    var header: [String]
    var rows: [[String]]

    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var record: Int
        var description: String { "record \(record) (header = 0): \(message)" }
    }

    /// The rows as dictionaries keyed by header name.
    var records: [[String: String]] {
        rows.map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }

    /// The values of one column.
    func column(_ name: String) -> [String] {
        guard let index = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[index] }
    }

    init(_ text: String) throws {
        let records = try Self.parse(Array(text.unicodeScalars))
        guard let first = records.first else { throw SyntaxError(message: "no header", record: 0) }
        header = first
        rows = Array(records.dropFirst())
        for (index, row) in rows.enumerated() where row.count != header.count {
            throw SyntaxError(
                message: "\(row.count) fields, the header has \(header.count): \(row)", record: index + 1)
        }
    }

    private static func parse(_ scalars: [Unicode.Scalar]) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var index = 0
        let quote: Unicode.Scalar = "\""
        func fail(_ message: String) -> SyntaxError { SyntaxError(message: message, record: records.count) }
        while index < scalars.count {
            var field = String.UnicodeScalarView()
            if scalars[index] == quote {
                index += 1
                while true {
                    guard index < scalars.count else { throw fail("unterminated quoted field") }
                    let scalar = scalars[index]
                    if scalar == quote {
                        if index + 1 < scalars.count && scalars[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    field.append(scalar)
                    index += 1
                }
            } else {
                while index < scalars.count, scalars[index] != ",", scalars[index] != "\r",
                    scalars[index] != "\n"
                {
                    if scalars[index] == quote { throw fail("a quote inside an unquoted field") }
                    field.append(scalars[index])
                    index += 1
                }
            }
            record.append(String(field))
            guard index < scalars.count else { throw fail("the last record does not end with CRLF") }
            switch scalars[index] {
            case ",":
                index += 1
                if index == scalars.count { throw fail("the file ends after a comma") }
            case "\r":
                guard index + 1 < scalars.count, scalars[index + 1] == "\n" else { throw fail("a bare CR") }
                index += 2
                records.append(record)
                record = []
            case "\n": throw fail("a bare LF ends a record (RFC 4180 needs CRLF)")
            default: throw fail("text after a closing quote")
            }
        }
        return records
    }
}
