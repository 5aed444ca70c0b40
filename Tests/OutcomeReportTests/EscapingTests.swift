import Testing

@testable import OutcomeReport

@Suite("CSV and Markdown escaping")
struct EscapingTests {
    @Test(arguments: [
        ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""), ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""), ("=a,b", "\"'=a,b\""), ("", ""),
    ])
    func textCellsAreSafeForSpreadsheets(input: String, expected: String) {
        #expect(CSVCell.text(input).csvText == expected)
    }

    @Test func numbersAreFullPrecisionAndNeverFormulas() {
        #expect(CSVCell.number(-2.5).csvText == "-2.5")
        #expect(CSVCell.number(0.1 + 0.2).csvText == "0.30000000000000004")
        #expect(CSVCell.number(3).csvText == "3")
        #expect(CSVCell.number(-0.0).csvText == "0")
        #expect(CSVCell.number(.nan).csvText == "")
        #expect(CSVCell.number(.infinity).csvText == "")
        #expect(CSVCell.number(nil).csvText == "")
        #expect(CSVCell.number(1e-300).csvText == "1e-300")
        #expect(Double(CSVCell.number(1.0 / 3).csvText) == 1.0 / 3)
    }

    @Test func tablesAreCRLFTerminated() {
        let table = CSVTable(
            header: ["a", "b"], rows: [[.integer(1), .boolean(true)], [.integer(nil), .text("x")]])
        #expect(table.rendered() == "a,b\r\n1,true\r\n,x\r\n")
    }

    @Test(arguments: [
        ("A|B", "A\\|B"), ("`code`", "\\`code\\`"), ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("a & b", "a &amp; b"),
        ("two\nlines", "two lines"), ("snake_case", "snake\\_case"), ("*x*", "\\*x\\*"),
    ])
    func markdownCellsCannotBreakTables(input: String, expected: String) {
        #expect(Markdown.cell(input) == expected)
    }

    @Test func markdownNumbersRoundForReading() {
        #expect(Markdown.interval(1.75, 1.25, 2.25) == "1.8 (1.3 to 2.3)")
        #expect(Markdown.percent(0.4567) == "46%")
        #expect(Markdown.pValue(0.0004) == "<0.001")
        #expect(Markdown.pValue(0.04321) == "0.043")
        #expect(Markdown.number(nil) == "–")
    }
}
