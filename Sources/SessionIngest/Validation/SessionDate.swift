/// The date formats an export may use for `session_date`.
public enum DateFormat: String, Sendable, CaseIterable {
    /// `YYYY-MM-DD`.
    case iso
    /// `MM/DD/YYYY` (US).
    case mdy
    /// `DD/MM/YYYY`.
    case dmy
    /// `DD.MM.YYYY`.
    case dmyDots = "dmy-dots"

    /// How the format is written, for messages and reports.
    public var pattern: String {
        switch self {
        case .iso: "YYYY-MM-DD"
        case .mdy: "MM/DD/YYYY"
        case .dmy: "DD/MM/YYYY"
        case .dmyDots: "DD.MM.YYYY"
        }
    }
}

/// Parses dates into day numbers, deferring the order of slash dates to the whole column.
///
/// A slash date such as `03/04/2024` is read later, once the column has shown whether its
/// first or second part goes above 12; until then it is kept as a packed value.
enum SessionDate {
    /// Years outside this range are taken for typing errors.
    static let plausibleYears = 1900...2100

    /// Packed slash dates are kept above this value; day numbers stay far below it.
    static let slashMarker: Int32 = 1 << 28

    /// The shape of one parsed date field.
    enum Parsed: Equatable {
        case day(Int32)
        case slash(first: Int, second: Int, year: Int)
    }

    /// Parses a trimmed field in any accepted shape (or only `forced`, when given).
    static func parse(_ field: UnsafeRawBufferPointer, forced: DateFormat?) -> Parsed? {
        let bytes = ASCII.trimmed(field)
        guard bytes.count >= 8, bytes.count <= 10 else { return nil }
        var parts = (0, 0, 0)
        var lengths = (0, 0, 0)
        var part = 0
        var separator: UInt8 = 0
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                let digit = Int(byte - UInt8(ascii: "0"))
                switch part {
                case 0:
                    parts.0 = parts.0 * 10 + digit
                    lengths.0 += 1
                case 1:
                    parts.1 = parts.1 * 10 + digit
                    lengths.1 += 1
                default:
                    parts.2 = parts.2 * 10 + digit
                    lengths.2 += 1
                }
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") {
                if separator == 0 { separator = byte } else if separator != byte { return nil }
                part += 1
                if part > 2 { return nil }
            } else {
                return nil
            }
        }
        guard part == 2, lengths.0 > 0, lengths.1 > 0, lengths.2 > 0 else { return nil }
        switch separator {
        case UInt8(ascii: "-"):
            guard forced == nil || forced == .iso, lengths.0 == 4, lengths.1 <= 2, lengths.2 <= 2 else {
                return nil
            }
            return day(year: parts.0, month: parts.1, day: parts.2).map(Parsed.day)
        case UInt8(ascii: "."):
            guard forced == nil || forced == .dmyDots, lengths.2 == 4, lengths.0 <= 2, lengths.1 <= 2 else {
                return nil
            }
            return day(year: parts.2, month: parts.1, day: parts.0).map(Parsed.day)
        default:
            guard lengths.2 == 4, lengths.0 <= 2, lengths.1 <= 2 else { return nil }
            switch forced {
            case .mdy?: return day(year: parts.2, month: parts.0, day: parts.1).map(Parsed.day)
            case .dmy?: return day(year: parts.2, month: parts.1, day: parts.0).map(Parsed.day)
            case nil:
                guard (1...31).contains(parts.0), (1...31).contains(parts.1),
                    plausibleYears.contains(parts.2),
                    parts.0 <= 12 || parts.1 <= 12
                else { return nil }
                return .slash(first: parts.0, second: parts.1, year: parts.2)
            default: return nil
            }
        }
    }

    /// The day of a field that is exactly `YYYY-MM-DD`, with no spaces: read a word at a time
    /// (the common shape; ``parse(_:forced:)`` gives the same for it). Nil for anything else,
    /// including an impossible date.
    @inline(__always)
    static func isoDay(_ field: UnsafeRawBufferPointer) -> Int32? {
        guard field.count == 10, let base = field.baseAddress else { return nil }
        let word = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        let tail = UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
        // Bytes 4 and 7 are the dashes; every other byte is a digit: below 0x10 once 0x30 is
        // taken off (by xor), and still below it with 6 added.
        let dashes: UInt64 = 0xFF00_00FF_0000_0000
        guard word & dashes == 0x2D00_002D_0000_0000 else { return nil }
        let digits = (word ^ 0x3030_3030_3030_3030) & ~dashes
        let tailDigits = tail ^ 0x3030
        guard (digits | (digits &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0 == 0,
            (tailDigits | (tailDigits &+ 0x0606)) & 0xF0F0 == 0
        else { return nil }
        @inline(__always) func digit(_ index: UInt64) -> Int {
            Int(truncatingIfNeeded: digits >> (8 * index) & 0xFF)
        }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let dayOfMonth = Int(tailDigits & 0xFF) * 10 + Int(tailDigits >> 8)
        return day(year: year, month: month, day: dayOfMonth)
    }

    static func pack(first: Int, second: Int, year: Int) -> Int32 {
        slashMarker | Int32(year << 10 | first << 5 | second)
    }

    static func unpack(_ value: Int32) -> (first: Int, second: Int, year: Int) {
        let bits = Int(value & ~slashMarker)
        return (bits >> 5 & 31, bits & 31, bits >> 10)
    }

    /// Days since 1970-01-01 of a valid calendar date in the plausible years, else nil: from
    /// a table of the months of those years.
    @inline(__always)
    static func day(year: Int, month: Int, day: Int) -> Int32? {
        guard plausibleYears.contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let entry = months[(year - plausibleYears.lowerBound) * 12 + month - 1]
        guard day <= Int(entry.days) else { return nil }
        return entry.first + Int32(day - 1)
    }

    /// For each month of the plausible years, its first day (days since 1970-01-01) and its
    /// length. Made once, immutable, and a pointer so that threads reading it share no
    /// reference count.
    nonisolated(unsafe) private static let months: UnsafeBufferPointer<(first: Int32, days: Int32)> = {
        let table = UnsafeMutableBufferPointer<(first: Int32, days: Int32)>.allocate(
            capacity: plausibleYears.count * 12)
        for year in plausibleYears {
            for month in 1...12 {
                table[(year - plausibleYears.lowerBound) * 12 + month - 1] = (
                    civilDay(year: year, month: month, day: 1), Int32(daysInMonth(year: year, month: month))
                )
            }
        }
        return UnsafeBufferPointer(table)
    }()

    /// Days since 1970-01-01 of a valid calendar date, by Howard Hinnant's days_from_civil.
    static func civilDay(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int32(era * 146097 + dayOfEra - 719468)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// What a `session_date` column showed, and the format it implies: the shapes seen and,
/// for slash dates, which part went above 12. Shared by ingest and `inspect`.
struct DateColumnEvidence: Equatable {
    var iso = 0
    var dots = 0
    var slash = 0
    /// Slash dates whose first part exceeds 12 (DD/MM/YYYY).
    var dayFirst = 0
    /// Slash dates whose second part exceeds 12 (MM/DD/YYYY).
    var monthFirst = 0

    /// Counts the slash order `parsed` shows, if it is a slash date.
    mutating func noteOrder(_ parsed: SessionDate.Parsed) {
        guard case .slash(let first, let second, _) = parsed else { return }
        slash += 1
        if first > 12 { dayFirst += 1 }
        if second > 12 { monthFirst += 1 }
    }

    static func += (lhs: inout Self, rhs: Self) {
        lhs.iso += rhs.iso
        lhs.dots += rhs.dots
        lhs.slash += rhs.slash
        lhs.dayFirst += rhs.dayFirst
        lhs.monthFirst += rhs.monthFirst
    }

    /// The slash order to read the column with, and how the format is described: the larger
    /// count of values above 12 wins; with no evidence MM/DD/YYYY is assumed, and said so.
    func decision(forced: DateFormat?) -> (slashOrder: DateFormat?, description: String) {
        if let forced {
            return (forced == .mdy || forced == .dmy ? forced : nil, "\(forced.pattern) (--date-format)")
        }
        var parts: [String] = []
        var order: DateFormat? = nil
        if slash > 0 {
            if dayFirst > monthFirst {
                order = .dmy
                parts.append("DD/MM/YYYY (\(dayFirst) values have a day above 12)")
            } else if monthFirst > 0 {
                order = .mdy
                parts.append("MM/DD/YYYY (\(monthFirst) values have a day above 12)")
            } else {
                order = .mdy
                parts.append("MM/DD/YYYY (assumed: no value shows the order; use --date-format dmy if wrong)")
            }
        }
        if iso > 0 { parts.insert("YYYY-MM-DD", at: 0) }
        if dots > 0 { parts.append("DD.MM.YYYY") }
        if parts.isEmpty { return (order, "no dates read") }
        return (order, parts.count > 1 ? "mixed: " + parts.joined(separator: ", ") : parts[0])
    }
}
