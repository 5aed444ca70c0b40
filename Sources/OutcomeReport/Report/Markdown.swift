/// Markdown building blocks: escaped table cells and numbers rounded for reading.
enum Markdown {
    /// A table cell: backslashes, `|`, backticks, `*`, `_` and HTML are escaped so data can never
    /// change the table or inject markup.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "|": out += "\\|"
            case "`": out += "\\`"
            case "*": out += "\\*"
            case "_": out += "\\_"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A table with a header row; cells are escaped here.
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var out = "| " + header.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + header.indices.map { rightAligned.contains($0) ? "---:|" : "---|" }.joined() + "\n"
        for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }

    /// `value` with `places` decimals, or an en dash when not defined.
    static func number(_ value: Double?, _ places: Int = 1) -> String {
        guard let value, value.isFinite else { return "–" }
        return DecimalFormat.fixed(value, places: places)
    }

    /// A proportion 0–1 as a percentage with no decimals.
    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return DecimalFormat.fixed(value * 100, places: 0) + "%"
    }

    /// A figure with its interval: `2.1 (1.6 to 2.6)`.
    static func interval(_ value: Double?, _ low: Double?, _ high: Double?, _ places: Int = 1) -> String {
        guard let value, value.isFinite else { return "–" }
        guard let low, let high, low.isFinite, high.isFinite else { return number(value, places) }
        return "\(number(value, places)) (\(number(low, places)) to \(number(high, places)))"
    }

    /// A percentage with its interval: `42% (35% to 49%)`.
    static func percentInterval(_ value: Double?, _ low: Double?, _ high: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        guard let low, let high, low.isFinite, high.isFinite else { return percent(value) }
        return "\(percent(value)) (\(percent(low)) to \(percent(high)))"
    }

    /// A p-value for reading: three decimals, or `<0.001`.
    static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return value < 0.001 ? "<0.001" : DecimalFormat.fixed(value, places: 3)
    }
}
