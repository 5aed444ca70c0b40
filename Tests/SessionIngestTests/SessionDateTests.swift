import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// `SessionDate`: day numbers against Foundation's Gregorian calendar, and parsing of every
/// accepted shape.
@Suite("Session dates")
struct SessionDateTests {
    static func parse(_ text: String, forced: DateFormat? = nil) -> SessionDate.Parsed? {
        var text = text
        return text.withUTF8 { SessionDate.parse(UnsafeRawBufferPointer($0), forced: forced) }
    }

    static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    @Test func dayNumbersAgreeWithFoundationFor1900To2100() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SplitMix64(seed: 1900_2100)
        for _ in 0..<20_000 {
            let year = random.int(1900...2100)
            let month = random.int(1...12)
            let length = calendar.range(
                of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month))!)!
                .count
            let day = random.int(1...length)
            let expected = foundationDay(year, month, day)
            #expect(
                SessionDate.day(year: year, month: month, day: day) == expected, "\(year)-\(month)-\(day)")
            #expect(SessionDate.daysInMonth(year: year, month: month) == length)

            let iso = "\(year)-\(Self.pad(month))-\(Self.pad(day))"
            #expect(Self.parse(iso) == .day(expected), "\(iso)")
            #expect(Self.parse(iso, forced: .iso) == .day(expected))
            #expect(Self.isoDay(iso) == expected, "\(iso)")
            let dots = "\(Self.pad(day)).\(Self.pad(month)).\(year)"
            #expect(Self.parse(dots) == .day(expected), "\(dots)")
            let mdy = "\(Self.pad(month))/\(Self.pad(day))/\(year)"
            #expect(Self.parse(mdy, forced: .mdy) == .day(expected), "\(mdy)")
            let dmy = "\(day)/\(month)/\(year)"
            #expect(Self.parse(dmy, forced: .dmy) == .day(expected), "\(dmy)")
            if day <= 12 || month <= 12 {
                #expect(Self.parse(mdy) == .slash(first: month, second: day, year: year))
            }
        }
    }

    static func isoDay(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { SessionDate.isoDay(UnsafeRawBufferPointer($0)) }
    }

    /// The word-at-a-time reading of `YYYY-MM-DD` gives what the general parser gives, and
    /// nothing for any other text: ten-byte strings mostly of digits and dashes, with a byte
    /// changed to its neighbours, a space, a slash or a non-ASCII byte. (Spaces it leaves to
    /// the general parser, which trims them.)
    @Test func isoDaysAgreeWithTheGeneralParser() {
        var random = SplitMix64(seed: 0x150)
        let alphabet: [UInt8] = Array("0123456789-/. :".utf8) + [0x2C, 0x2E, 0x39, 0x3A, 0xB0, 0xD9, 0xFF]
        for round in 0..<100_000 {
            var bytes = Array(
                "\(random.int(1890...2110))-\(Self.pad(random.int(0...13)))-\(Self.pad(random.int(0...32)))"
                    .utf8)
            if round % 2 == 1 {
                bytes[random.int(0..<bytes.count)] = alphabet[random.int(0..<alphabet.count)]
            }
            if round % 7 == 3 {
                bytes = (0..<random.int(8...11)).map { _ in alphabet[random.int(0..<alphabet.count)] }
            }
            let fast = bytes.withUnsafeBytes { SessionDate.isoDay($0) }
            let general = bytes.withUnsafeBytes { SessionDate.parse($0, forced: nil) }
            let text = String(decoding: bytes, as: UTF8.self)
            if let fast {
                #expect(general == .day(fast), "\(text)")
            } else if bytes.count == 10 && bytes[4] == 0x2D && bytes[7] == 0x2D && !bytes.contains(0x20),
                case .day = general
            {
                Issue.record("\(text): the general parser reads a day, the ISO reading none")
            }
        }
    }

    @Test func everyDayOfTheRangeIsConsecutive() {
        var previous = SessionDate.day(year: 1900, month: 1, day: 1)!
        #expect(previous == -25_567)
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...SessionDate.daysInMonth(year: year, month: month)
                where !(year == 1900 && month == 1 && day == 1) {
                    let value = SessionDate.day(year: year, month: month, day: day)
                    #expect(value == previous + 1)
                    previous = value ?? previous
                }
            }
        }
        #expect(previous == foundationDay(2100, 12, 31))
    }

    @Test(arguments: [
        "2023-02-29", "2024-02-30", "2100-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10",
        "2024-01-00", "2024-01-32", "1899-12-31", "2101-01-01", "24-03-07", "2024/03/07", "2024-03-07T00:00",
        "2024-03", "2024--03", "2024-03-07-", "30.02.2024", "31.04.2024", "32.13.2024", "07.03.24",
        "31/31/2024",
        "13/45/2024", "00/05/2024", "05/00/2024", "1/2/1899", "yesterday", "", "  ", "2024-3-7x",
        "2024-03.07",
        "１２/０１/2024", "+2024-03-07",
    ])
    func invalidDates(text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test func validEdgeDates() {
        #expect(Self.parse("2024-02-29") == .day(foundationDay(2024, 2, 29)))
        #expect(Self.parse("2000-02-29") == .day(foundationDay(2000, 2, 29)))
        #expect(Self.parse(" 1900-01-01 ") == .day(foundationDay(1900, 1, 1)))
        #expect(Self.parse("2100-12-31") == .day(foundationDay(2100, 12, 31)))
        #expect(Self.parse("1970-01-01") == .day(0))
        #expect(Self.parse("2024-3-7") == .day(foundationDay(2024, 3, 7)))
        #expect(Self.parse("7.3.2024") == .day(foundationDay(2024, 3, 7)))
        #expect(Self.parse("3/7/2024") == .slash(first: 3, second: 7, year: 2024))
        #expect(Self.parse("25/12/2024") == .slash(first: 25, second: 12, year: 2024))
        #expect(Self.parse("12/25/2024") == .slash(first: 12, second: 25, year: 2024))
    }

    @Test func aForcedFormatAcceptsOnlyItsShape() {
        #expect(Self.parse("2024-03-07", forced: .mdy) == nil)
        #expect(Self.parse("07.03.2024", forced: .iso) == nil)
        #expect(Self.parse("03/07/2024", forced: .dmyDots) == nil)
        #expect(Self.parse("03/07/2024", forced: .iso) == nil)
        #expect(Self.parse("02/30/2024", forced: .mdy) == nil)
        #expect(Self.parse("30/02/2024", forced: .dmy) == nil)
        #expect(Self.parse("29/02/2024", forced: .dmy) == .day(foundationDay(2024, 2, 29)))
    }

    @Test func packedSlashDatesRoundTrip() {
        for year in [1900, 1999, 2024, 2100] {
            for first in 1...31 {
                for second in 1...31 {
                    let packed = SessionDate.pack(first: first, second: second, year: year)
                    #expect(packed >= SessionDate.slashMarker)
                    let unpacked = SessionDate.unpack(packed)
                    #expect(unpacked.first == first && unpacked.second == second && unpacked.year == year)
                }
            }
        }
        // Real day numbers stay below the marker.
        #expect(SessionDate.day(year: 2100, month: 12, day: 31)! < SessionDate.slashMarker)
    }
}
