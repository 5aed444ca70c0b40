import SessionModel

/// Turns staged records into the session table: reads slash dates in each file's order,
/// removes duplicates, rejects conflicting session numbers, derives missing session
/// numbers, and sorts sessions into courses.
///
/// Courses are assembled by a counting sort on the dense course id and small in-course
/// sorts on integer keys: linear in the number of sessions, with no per-session objects.
struct SessionFinalizer {
    /// The slash order of each file (nil where the file had none).
    var slashOrders: [DateFormat?]
    var paths: [String]

    /// Per-file tallies of what finalising removed.
    struct Removals {
        var rejected: [Int]
        var duplicates: [Int]
    }

    func finish(_ staged: consuming StagedSessions, issues: inout [RecordIssue]) -> (
        table: SessionTable, removals: Removals, keptWarned: [Int], keptVAS: [Int]
    ) {
        var staged = staged
        let count = staged.count
        var removals = Removals(
            rejected: [Int](repeating: 0, count: paths.count),
            duplicates: [Int](repeating: 0, count: paths.count))
        var removed = [Bool](repeating: false, count: count)

        func remove(_ row: Int, _ reason: RejectReason, field: String, value: String, detail: String) {
            removed[row] = true
            let file = Int(staged.file[row])
            if reason == .duplicateRecord {
                removals.duplicates[file] += 1
            } else {
                removals.rejected[file] += 1
            }
            issues.append(
                RecordIssue(
                    file: paths[file], line: Int(staged.line[row]), record: Int(staged.record[row]),
                    reason: reason,
                    field: field, value: value, detail: detail, fileIndex: file))
        }

        // 1. Slash dates, in the order their file's column showed.
        for row in 0..<count where staged.dateKey[row] >= SessionDate.slashMarker {
            let (first, second, year) = SessionDate.unpack(staged.dateKey[row])
            let order = slashOrders[Int(staged.file[row])] ?? .mdy
            let day =
                order == .dmy
                ? SessionDate.day(year: year, month: second, day: first)
                : SessionDate.day(year: year, month: first, day: second)
            if let day {
                staged.dateKey[row] = day
            } else {
                let text = "\(pad(first))/\(pad(second))/\(year)"
                remove(
                    row, .invalidSessionDate, field: "session_date", value: text,
                    detail: "not a date in \(order.pattern)")
            }
        }

        // 2. Group rows by course, stably (input order within a course).
        let courseCount = staged.patients.count + 1
        var starts = [Int](repeating: 0, count: courseCount + 1)
        for row in 0..<count where !removed[row] { starts[Int(staged.course[row]) + 1] += 1 }
        for course in 0..<courseCount { starts[course + 1] += starts[course] }
        var order = [Int32](repeating: 0, count: starts[courseCount])
        var cursor = starts
        for row in 0..<count where !removed[row] {
            let course = Int(staged.course[row])
            order[cursor[course]] = Int32(row)
            cursor[course] += 1
        }

        // 3. Within each course: duplicates first, then conflicting session numbers.
        //    Rows with a session number group by it; rows from files without the column
        //    group by date (equal records only), and get numbers by date order afterwards.
        func groupKey(_ row: Int) -> (Int, Int) {
            let number = Int(staged.sessionNumber[row])
            return number > 0 ? (0, number) : (1, Int(staged.dateKey[row]))
        }
        var kept = [Bool](repeating: true, count: order.count)
        for course in 0..<courseCount {
            let range = starts[course]..<starts[course + 1]
            if range.count < 2 {
                if range.count == 1 && staged.sessionNumber[Int(order[range.lowerBound])] == 0 {
                    staged.sessionNumber[Int(order[range.lowerBound])] = 1
                }
                continue
            }
            insertionSort(&order, range) { a, b in
                let (ka, kb) = (groupKey(Int(a)), groupKey(Int(b)))
                return ka != kb ? ka < kb : a < b
            }
            var groupStart = range.lowerBound
            while groupStart < range.upperBound {
                let first = Int(order[groupStart])
                let key = groupKey(first)
                var next = groupStart + 1
                while next < range.upperBound && groupKey(Int(order[next])) == key {
                    let row = Int(order[next])
                    let firstLine = "line \(staged.line[first]) of \(paths[Int(staged.file[first])])"
                    // With session numbers only the first row of a group is kept; by date,
                    // several different visits may be, and a copy of any of them is a duplicate.
                    let original = (groupStart..<next).first {
                        kept[$0] && staged.sameRecord(Int(order[$0]), row)
                    }
                    if let original {
                        let source = Int(order[original])
                        kept[next] = false
                        remove(
                            row, .duplicateRecord, field: "", value: "",
                            detail:
                                "same as line \(staged.line[source]) of \(paths[Int(staged.file[source])])")
                    } else if key.0 == 0 {
                        kept[next] = false
                        remove(
                            row, .conflictingSessionNumber, field: "session_number", value: String(key.1),
                            detail: "\(firstLine) already has session \(key.1) of this course")
                    }
                    next += 1
                }
                groupStart = next
            }
            // Derive session numbers by date order (ties: input order) where the column is absent.
            var derived: Int32 = 0
            for position in range where kept[position] {
                let row = Int(order[position])
                if staged.sessionNumber[row] == 0 {
                    derived += 1
                    staged.sessionNumber[row] = derived
                }
            }
            insertionSort(&order, range) { a, b in
                let (sa, sb) = (staged.sessionNumber[Int(a)], staged.sessionNumber[Int(b)])
                if sa != sb { return sa < sb }
                let (da, db) = (staged.dateKey[Int(a)], staged.dateKey[Int(b)])
                return da != db ? da < db : a < b
            }
            // The sort moved rows; recompute which positions hold kept rows.
            for position in range { kept[position] = !removed[Int(order[position])] }
        }

        // 4. Emit the kept rows in course order, with dense course numbers, compacting the
        //    order in place (no second index array).
        kept = []
        cursor = []
        var courseOfRow: [UInt32] = []
        courseOfRow.reserveCapacity(order.count)
        var write = 0
        var nextCourse: UInt32 = 0
        for course in 0..<courseCount {
            let before = write
            for position in starts[course]..<starts[course + 1] where !removed[Int(order[position])] {
                order[write] = order[position]
                write += 1
                courseOfRow.append(nextCourse)
            }
            if write > before { nextCourse += 1 }
        }
        order.removeSubrange(write...)
        let final = order
        order = []
        // Warnings of rows that finalising removed are not reported: the row is gone.
        var removedKeys = Set<Int64>()
        for row in removed.indices where removed[row] {
            removedKeys.insert(Int64(staged.file[row]) << 32 | Int64(staged.record[row]))
        }
        removed = []

        var keptWarned = [Int](repeating: 0, count: paths.count)
        var keptVAS = [Int](repeating: 0, count: paths.count)
        for row in final {
            let file = Int(staged.file[Int(row)])
            if staged.warned[Int(row)] { keptWarned[file] += 1 }
            if staged.vas[Int(row)] { keptVAS[file] += 1 }
        }

        var table = SessionTable()
        table.clinicNames = (0...staged.clinics.count).map {
            $0 == 0 ? "" : staged.clinics.string(UInt32($0))
        }
        table.course = courseOfRow
        courseOfRow = []
        table.clinic = gather(&staged.clinic, final)
        table.sessionNumber = gather(&staged.sessionNumber, final)
        table.day = gather(&staged.dateKey, final)
        table.technique = gather(&staged.technique, final)
        table.painPre = final.map { staged.painPre.pain(Int($0), vas: staged.vas[Int($0)]) }
        staged.painPre = DecimalColumn()
        table.painPost = final.map { staged.painPost.pain(Int($0), vas: staged.vas[Int($0)]) }
        staged.painPost = DecimalColumn()
        table.medDosesPerDay = final.map { staged.medDoses[Int($0)] }
        staged.medDoses = DecimalColumn()
        table.cause = gather(&staged.cause, final)
        table.symptomOnsetWeeks = final.map { staged.onsetWeeks[Int($0)] }
        staged.onsetWeeks = DecimalColumn()
        table.age = gather(&staged.age, final)
        table.sex = gather(&staged.sex, final)
        table.adverseEvent = gather(&staged.adverseEvent, final)
        table.durationMinutes = gather(&staged.duration, final)

        if !removedKeys.isEmpty {
            issues.removeAll { issue in
                issue.reason.severity == .warning
                    && removedKeys.contains(Int64(issue.fileIndex) << 32 | Int64(issue.record))
            }
        }
        return (table, removals, keptWarned, keptVAS)
    }

    /// Column values in `rows` order; the source column is released afterwards.
    private func gather<Element>(_ column: inout [Element], _ rows: [Int32]) -> [Element] {
        let result = rows.map { column[Int($0)] }
        column = []
        return result
    }

    private func insertionSort(_ values: inout [Int32], _ range: Range<Int>, by less: (Int32, Int32) -> Bool)
    {
        guard range.count > 1 else { return }
        if range.count > 64 {
            values[range].sort(by: less)
            return
        }
        for index in (range.lowerBound + 1)..<range.upperBound {
            let value = values[index]
            var position = index
            while position > range.lowerBound && less(value, values[position - 1]) {
                values[position] = values[position - 1]
                position -= 1
            }
            values[position] = value
        }
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
