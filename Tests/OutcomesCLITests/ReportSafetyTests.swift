import Foundation
import Testing

/// Spreadsheet safety, de-identification, small-cell suppression and Markdown escaping.
@Suite("report safety")
struct ReportSafetyTests {
    // MARK: Spreadsheet safety (OWASP CSV injection)

    static let formulaClinics = ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)"]

    /// A text cell is dangerous when it starts like a formula; a plain number may start with `-`.
    static func isFormulaLike(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
            return false
        }
        let isNumber = first == "-" && cell.dropFirst().first?.isNumber == true && Double(cell) != nil
        return !isNumber
    }

    @Test func formulaLikeTextIsPrefixedInEveryCSV() async throws {
        try await withTemporaryDirectory { directory in
            var rows = CourseBuilder.courses(clinics: Self.formulaClinics, perTechnique: 4)
            // Rejected records whose raw values land in rejects.csv (the tab one is quoted, as
            // unquoted leading white space may be trimmed by the parser).
            for (index, technique) in ["=1+1", "+cmd", "-cmd", "@cmd", "\tcmd", "\rcmd"].enumerated() {
                var row = SessionRow()
                row.patient = "R\(index)"
                row.technique = technique
                rows.append(row)
            }
            var badPain = SessionRow()
            badPain.patient = "R9"
            badPain.painPre = "-2"
            rows.append(badPain)
            let text = SessionRow.document(rows, extraHeader: ["=evil column"], extraValues: ["x"])
            try directory.write(text, to: "=export.csv")
            let report = try await writeReport(["=export.csv"], in: directory, options: ["--min-cell", "0"])
            try report.checkContract()
            #expect(report.csv.count >= 9)
            for (name, document) in report.csv.sorted(by: { $0.key < $1.key }) {
                for row in [document.header] + document.rows {
                    for cell in row {
                        #expect(
                            !Self.isFormulaLike(cell),
                            "\(name) has an unprefixed cell: \(cell.debugDescription)")
                    }
                }
            }
            let cohorts = try #require(report.csv["cohort_comparison.csv"]).records
            let clinics = Set(cohorts.filter { $0["dimension"] == "clinic" }.compactMap { $0["cohort"] })
            #expect(clinics == Set(Self.formulaClinics.map { "'" + $0 }))
            let rejects = try #require(report.csv["rejects.csv"])
            #expect(
                Set(rejects.column("value")).isSuperset(of: [
                    "'=1+1", "'+cmd", "'-cmd", "'@cmd", "'\tcmd", "'\rcmd", "'-2",
                ]),
                "\(rejects.column("value"))")
            #expect(Set(rejects.column("file")) == ["'=export.csv"])
            let quality = try #require(report.csv["data_quality.csv"])
            #expect(quality.rows.contains(["ignored_column", "'=evil column"]), "\(quality.rows)")
        }
    }

    // MARK: De-identification

    static let secrets = ["PATIENTSECRET123", "THERAPISTSECRET9", "NOTESECRET42"]
    /// Days of service, all in July 2019 (a year nothing else in a report would show).
    static let serviceDays = [13, 16, 19, 22, 25]

    /// A date of service in every common way of writing it.
    static func spellings(day: Int) -> [String] {
        let dd = String(format: "%02d", day)
        return [
            "2019-07-\(dd)", "07/\(dd)/2019", "\(dd)/07/2019", "\(dd).07.2019", "2019/07/\(dd)",
            "201907\(dd)",
            "7/\(day)/2019", "\(day)/7/2019", "\(day).7.2019", "Jul \(day)", "\(day) Jul", "July \(day)",
            "2019-07-\(dd)T",
        ]
    }

    /// True when `year` appears in `text` as a number of its own (not inside a longer number).
    static func containsStandalone(_ year: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: year, range: searchRange) {
            let before =
                found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let partOfNumber = before?.isNumber == true || before == "." || after?.isNumber == true
            if !partOfNumber { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }

    @Test(arguments: [[], ["--min-cell", "0"], ["--min-cell", "0", "--max-session", "3"]])
    func noIdentifierOrDateLeaves(options: [String]) async throws {
        try await withTemporaryDirectory { directory in
            var rows = CourseBuilder.courses(
                clinics: ["North", "South"], perTechnique: 6, sessions: Self.serviceDays.count,
                patient: { "PATIENTSECRET123-\($0)" },
                dates: { String(format: "2019-07-%02d", Self.serviceDays[$0 - 1]) }
            ) { row, course, session in
                row.therapist = "THERAPISTSECRET9"
                row.notes = course % 2 == 0 ? "NOTESECRET42, \"tender\"\nat L5" : "NOTESECRET42"
                if course == 3 && session == 2 { row.age = "forty" }
            }
            var rejected = rows[0]
            rejected.technique = "reiki"
            rows.append(rejected)
            rows.append(rows[5])
            try directory.write(SessionRow.document(rows), to: "sessions.csv")
            let report = try await writeReport(["sessions.csv"], in: directory, options: options)
            try report.checkContract()
            #expect(report.quality?["rejected"] == 1)
            #expect(report.quality?["duplicates"] == 1)
            #expect(try report.text("rejects.csv").contains("reiki"), "the rejected record is listed")
            for name in ReportContract.deidentifiedFiles {
                let text = try report.text(name)
                for secret in Self.secrets {
                    #expect(!text.contains(secret), "\(name) holds \(secret)")
                }
                for day in Self.serviceDays {
                    for spelling in Self.spellings(day: day) {
                        #expect(!text.contains(spelling), "\(name) holds the date of service \(spelling)")
                    }
                }
                #expect(!Self.containsStandalone("2019", in: text), "\(name) holds the year of service")
            }
        }
    }

    // MARK: Small-cell suppression

    /// 2 techniques × 4 courses × 3 sessions: every cell is small at the default --min-cell 11.
    static func smallInput(in directory: URL) throws -> String {
        let rows = CourseBuilder.courses(
            techniques: ["swedish", "deep_tissue"], perTechnique: 4, sessions: 3)
        try directory.write(SessionRow.document(rows), to: "small.csv")
        return "small.csv"
    }

    @Test func smallCellsAreSuppressedByDefault() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await writeReport([try Self.smallInput(in: directory)], in: directory)
            try report.checkContract()
            for (name, labels) in ReportContract.suppressibleTables.sorted(by: { $0.key < $1.key }) {
                let document = try #require(report.csv[name], "\(name)")
                #expect(!document.rows.isEmpty, "\(name) has no rows")
                for row in document.records {
                    #expect(row["suppressed"] == "true", "\(name): \(row)")
                    let figures = row.filter { !labels.contains($0.key) && $0.key != "suppressed" }
                    #expect(figures.values.filter { $0 == "<11" }.count == 1, "\(name): \(row)")
                    #expect(
                        figures.values.allSatisfy { $0.isEmpty || $0 == "<11" },
                        "\(name) shows a figure: \(row)")
                }
            }
            for name in ReportContract.chartDataCSVs {
                #expect(report.csv[name]?.rows.isEmpty == true, "\(name) shows a suppressed series")
            }
            let markdown = try report.text("report.md")
            #expect(markdown.contains("&lt;11") || markdown.contains("`<11`"))
            for chart in ReportContract.charts {
                let svg = try report.text(chart)
                for mark in ["<path", "<polyline", "<circle"] {
                    #expect(!svg.contains(mark), "\(chart) draws a suppressed series (\(mark))")
                }
            }
        }
    }

    @Test func minCellZeroSuppressesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await writeReport(
                [try Self.smallInput(in: directory)], in: directory, options: ["--min-cell", "0"])
            try report.checkContract()
            for (name, labels) in ReportContract.suppressibleTables.sorted(by: { $0.key < $1.key }) {
                let document = try #require(report.csv[name], "\(name)")
                #expect(!document.rows.isEmpty, "\(name) has no rows")
                for row in document.records {
                    #expect(row["suppressed"] == "false", "\(name): \(row)")
                    let figures = row.filter { !labels.contains($0.key) }
                    #expect(!figures.values.contains { $0.hasPrefix("<") }, "\(name) shows a band: \(row)")
                }
            }
            let all = try #require(report.csv["technique_outcomes.csv"]?.records.last)
            #expect(all["technique"] == "all")
            #expect(all["courses"] == "8")
            #expect(all["mean_change"]?.isEmpty == false)
            for name in ReportContract.chartDataCSVs {
                #expect(report.csv[name]?.rows.isEmpty == false, "\(name) is empty with --min-cell 0")
            }
            for chart in ReportContract.charts {
                #expect(
                    try report.text(chart).contains("<path"), "\(chart) draws no series with --min-cell 0")
            }
        }
    }

    /// With --min-cell 5 the 8-course `all` row is shown and the 4-course techniques are not.
    @Test func theBandFollowsMinCell() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await writeReport(
                [try Self.smallInput(in: directory)], in: directory, options: ["--min-cell", "5"])
            let rows = try #require(report.csv["technique_outcomes.csv"]).records
            #expect(Set(rows.compactMap { $0["technique"] }) == ["swedish", "deep_tissue", "all"])
            for row in rows {
                let small = row["technique"] != "all"
                #expect(row["suppressed"] == (small ? "true" : "false"), "\(row)")
                #expect(row["courses"] == (small ? "<5" : "8"), "\(row)")
            }
        }
    }

    // MARK: Markdown escaping

    /// Splits a Markdown table row on the pipes that are not escaped.
    static func unescapedPipes(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                count += 1
            }
        }
        return count
    }

    /// The header row of the Markdown table that holds line `index`.
    static func tableHeader(of index: Int, in lines: [String]) -> String {
        var start = index
        while start > 0 && lines[start - 1].hasPrefix("|") { start -= 1 }
        return lines[start]
    }

    @Test func clinicNamesAreEscapedInTheMarkdown() async throws {
        let clinic = "A|B `x` <b>"
        try await withTemporaryDirectory { directory in
            let rows = CourseBuilder.courses(clinics: [clinic, "Plain"], perTechnique: 5)
            try directory.write(SessionRow.document(rows), to: "clinics.csv")
            for options in [[], ["--min-cell", "0"]] {
                let report = try await writeReport(["clinics.csv"], in: directory, options: options)
                let markdown = try report.text("report.md")
                #expect(!markdown.contains("<b>"), "raw HTML from the data reached report.md")
                let lines = markdown.components(separatedBy: "\n")
                let rows = lines.indices.filter { lines[$0].contains("A\\|B") }
                #expect(!rows.isEmpty, "the clinic is not in report.md")
                for index in rows {
                    #expect(lines[index].contains("A\\|B \\`x\\` &lt;b&gt;"), "\(lines[index])")
                    let header = Self.tableHeader(of: index, in: lines)
                    #expect(
                        Self.unescapedPipes(lines[index]) == Self.unescapedPipes(header),
                        "the clinic cell changes the table: \(lines[index])")
                }
            }
        }
    }

    /// A backslash in the data must be escaped too, or it cancels the escape that follows it.
    @Test func backslashesInDataAreEscaped() async throws {
        let clinic = #"\*X\* \`y\`"#
        try await withTemporaryDirectory { directory in
            let rows = CourseBuilder.courses(clinics: [clinic], perTechnique: 2)
            try directory.write(SessionRow.document(rows), to: "backslash.csv")
            let report = try await writeReport(["backslash.csv"], in: directory)
            let markdown = try report.text("report.md")
            #expect(markdown.contains("X"))
            #expect(markdown.contains(#"\\\*X\\\* \\\`y\\\`"#), "the clinic cell is not fully escaped")
        }
    }
}
