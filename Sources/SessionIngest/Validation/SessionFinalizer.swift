import Dispatch
import SessionModel

/// Turns staged records into the session table: reads slash dates in each file's order,
/// removes duplicates, rejects conflicting session numbers, derives missing session
/// numbers, and sorts sessions into courses.
///
/// The staged parts (one per file, or per part of a file parsed in parts) are read where
/// they are, never merged: a row is addressed by its global index (the rows of the parts
/// before it, plus its own index), and each part's ids are mapped to the dataset's through
/// small tables. Courses are assembled by a counting sort on the dense course id and small
/// in-course sorts on integer keys: linear in the number of sessions, with no per-session
/// objects. Each source column is released as soon as it has been read for the last time.
///
/// The passes run on separate threads when `parallelism` allows: over parts, over ranges of
/// courses, and over columns. Whatever they find is put together in a fixed order, so the
/// result is the same for any number of threads.
struct SessionFinalizer {
    /// The slash order of each file (nil where the file had none).
    var slashOrders: [DateFormat?]
    var paths: [String]
    /// At most this many threads at a time (1: all on the calling thread).
    var parallelism = 1
    /// False: decide what is removed and count what is kept, but leave the table empty
    /// (`outcomes validate` reads only the accounting).
    var buildsTable = true

    /// Per-file tallies of what finalising removed.
    struct Removals {
        var rejected: [Int]
        var duplicates: [Int]
    }

    func finish(_ staged: consuming [StagedSessions], issues: inout [RecordIssue]) -> (
        table: SessionTable, removals: Removals, keptWarned: [Int], keptVAS: [Int]
    ) {
        var parts = staged
        var bases = [Int](repeating: 0, count: parts.count + 1)
        for part in parts.indices { bases[part + 1] = bases[part] + parts[part].count }
        precondition(bases[parts.count] < Int(Int32.max), "too many sessions for 32-bit row numbers")

        // 1. The dataset's dictionaries; the last part's patients are looked up while each
        //    part is surveyed: slash dates that are not dates, rows per course, flags.
        var dictionaries = Dictionaries(parts: &parts)
        let lookUps = dictionaries.lookUpRanges(parallelism > 1 ? 4 : 1)
        let surveys = ResultSlots<Survey>(count: parts.count)
        let found = ResultSlots<[UInt32]>(count: lookUps.count)
        run(parts.count + lookUps.count) { task in
            if task < parts.count {
                surveys[task] = survey(parts[task], courses: dictionaries.patientCounts[task])
            } else {
                found[task - parts.count] = dictionaries.lookUp(lookUps[task - parts.count])
            }
        }
        dictionaries.addLastPart(found: (0..<lookUps.count).map { found.take($0) })

        // 2. Group rows by course, stably (input order within a course): a counting sort into
        //    `order` (global rows), with session numbers and days alongside.
        let courseCount = dictionaries.patientCount + 1
        var starts = [Int32](repeating: 0, count: courseCount + 1)
        for part in parts.indices {
            let map = dictionaries.patientMaps[part]
            surveys.withValue(part) { survey in
                for course in 1..<survey.cursor.count {
                    starts[Int(map[course]) + 1] += survey.cursor[course]
                }
            }
        }
        for course in 0..<courseCount { starts[course + 1] += starts[course] }
        do {
            // Each part's rows of a course start after those of the parts before it.
            var next = starts
            for part in parts.indices {
                let map = dictionaries.patientMaps[part]
                surveys.withValue(part) { survey in
                    for course in 1..<survey.cursor.count {
                        let global = Int(map[course])
                        let rows = survey.cursor[course]
                        survey.cursor[course] = next[global]
                        next[global] += rows
                    }
                }
            }
        }
        let orderedCount = Int(starts[courseCount])
        // Every place of these is written below; their pages are mapped first, in parallel.
        var order = uninitialized(UInt32.self, orderedCount)
        var sessionNumber = uninitialized(Int32.self, orderedCount)
        var day = uninitialized(Int32.self, orderedCount)
        run(3) { array in
            switch array {
            case 0: order.withUnsafeMutableBytes { Prefault.pages(of: $0) }
            case 1: sessionNumber.withUnsafeMutableBytes { Prefault.pages(of: $0) }
            default: day.withUnsafeMutableBytes { Prefault.pages(of: $0) }
            }
        }
        order.withUnsafeMutableBufferPointer { order in
            sessionNumber.withUnsafeMutableBufferPointer { sessionNumber in
                day.withUnsafeMutableBufferPointer { day in
                    run(parts.count) { part in
                        surveys.withValue(part) { survey in
                            place(
                                parts[part], base: bases[part], survey: &survey, order: order,
                                sessionNumber: sessionNumber, day: day)
                        }
                    }
                }
            }
        }
        for part in parts.indices {
            parts[part].course = []
            parts[part].sessionNumber = []
            surveys.withValue(part) { $0.cursor = [] }
        }

        // 3. Within each course: duplicates first, then conflicting session numbers; rows
        //    without a session number get one by date order. Ranges of courses in parallel,
        //    while the pages of where each row goes are mapped (each row gets its place or
        //    -1 there: removed rows in step 4, kept rows in step 5).
        var destination = uninitialized(Int32.self, buildsTable ? bases[parts.count] : 0)
        let chunks = courseChunks(starts, count: min(max(parallelism, 1), 8) * 4)
        let outcomes = ResultSlots<CourseResolver.Outcome>(count: chunks.count)
        order.withUnsafeMutableBufferPointer { order in
            sessionNumber.withUnsafeMutableBufferPointer { sessionNumber in
                day.withUnsafeMutableBufferPointer { day in
                    run(chunks.count + 1) { task in
                        guard task < chunks.count else {
                            destination.withUnsafeMutableBytes { Prefault.pages(of: $0) }
                            return
                        }
                        var resolver = CourseResolver(
                            parts: parts, bases: bases, clinicMaps: dictionaries.clinicMaps,
                            therapistMaps: dictionaries.therapistMaps)
                        outcomes[task] = resolver.resolve(
                            courses: chunks[task], starts: starts, order: order, sessionNumber: sessionNumber,
                            day: day)
                    }
                }
            }
        }
        let resolved = (0..<chunks.count).map { outcomes.take($0) }

        // 4. What was removed, in input order for slash dates, then in course order.
        var removals = Removals(
            rejected: [Int](repeating: 0, count: paths.count),
            duplicates: [Int](repeating: 0, count: paths.count))
        var keptWarned = [Int](repeating: 0, count: paths.count)
        var keptVAS = [Int](repeating: 0, count: paths.count)
        var removedRecords = RemovedRecords(files: paths.count)
        issues.reserveCapacity(
            issues.count + (0..<parts.count).reduce(0) { $0 + surveys.withValue($1) { $0.notDates.count } }
                + resolved.reduce(0) { $0 + $1.removals.count })
        for part in parts.indices {
            let file = Int(parts[part].fileIndex)
            surveys.withValue(part) { survey in
                keptWarned[file] += survey.warned
                keptVAS[file] += survey.vas
            }
        }
        func remove(
            _ part: Int, _ local: Int, _ reason: RejectReason, field: String, value: String, detail: String
        ) {
            let file = Int(parts[part].fileIndex)
            if reason == .duplicateRecord {
                removals.duplicates[file] += 1
            } else {
                removals.rejected[file] += 1
            }
            let flags = parts[part].flags[local]
            if flags & StagedSessions.warnedFlag != 0 { keptWarned[file] -= 1 }
            if flags & StagedSessions.vasFlag != 0 { keptVAS[file] -= 1 }
            if buildsTable { destination[bases[part] + local] = -1 }
            let record = parts[part].fileRecord(local)
            removedRecords.insert(file: file, record: record)
            issues.append(
                RecordIssue(
                    file: paths[file], line: parts[part].fileLine(local), record: record, reason: reason,
                    field: field, value: value, detail: detail, fileIndex: file))
        }
        func lineOf(_ part: Int, _ local: Int) -> String {
            "line \(parts[part].fileLine(local)) of \(paths[Int(parts[part].fileIndex)])"
        }
        for part in parts.indices {
            let order = slashOrders[Int(parts[part].fileIndex)] ?? .mdy
            for local in surveys.take(part).notDates {
                let (first, second, year) = SessionDate.unpack(parts[part].dateKey[Int(local)])
                remove(
                    part, Int(local), .invalidSessionDate, field: "session_date",
                    value: "\(pad(first))/\(pad(second))/\(year)", detail: "not a date in \(order.pattern)")
            }
            parts[part].dateKey = []
        }
        var keptCount = 0
        for chunk in resolved {
            keptCount += chunk.kept
            for removal in chunk.removals {
                let other = lineOf(removal.otherPart, removal.otherRow)
                if removal.reason == .duplicateRecord {
                    remove(
                        removal.part, removal.row, .duplicateRecord, field: "", value: "",
                        detail: "same as \(other)")
                } else {
                    remove(
                        removal.part, removal.row, .conflictingSessionNumber, field: "session_number",
                        value: String(removal.number),
                        detail: "\(other) already has session \(removal.number) of this course")
                }
            }
        }
        for part in parts.indices {
            parts[part].positions = RowPositions()
            parts[part].therapist = []
            parts[part].notesHash = []
        }
        guard buildsTable else {
            removeWarnings(ofRemoved: removedRecords, from: &issues)
            return (SessionTable(), removals, keptWarned, keptVAS)
        }

        // 5. Kept rows in course order, with dense course numbers: where each row goes. The
        //    course numbers take the places of the rows in `order` (never ahead of the
        //    reading), which becomes the table's course column.
        order.withUnsafeMutableBufferPointer { order in
            destination.withUnsafeMutableBufferPointer { destination in
                if keptCount == orderedCount {
                    // Nothing moves: ranges of courses in parallel.
                    var firstCourse: UInt32 = 0
                    var numbers: [UInt32] = []
                    for chunk in resolved {
                        numbers.append(firstCourse)
                        firstCourse += UInt32(chunk.courses)
                    }
                    run(chunks.count) { chunk in
                        var number = numbers[chunk]
                        for id in chunks[chunk] where starts[id + 1] > starts[id] {
                            for position in Int(starts[id])..<Int(starts[id + 1]) {
                                destination[Int(order[position])] = Int32(position)
                                order[position] = number
                            }
                            number += 1
                        }
                    }
                } else {
                    // Removed rows end their courses' ranges: close the gaps.
                    sessionNumber.withUnsafeMutableBufferPointer { sessionNumber in
                        day.withUnsafeMutableBufferPointer { day in
                            var write = 0
                            var number: UInt32 = 0
                            for id in 0..<courseCount {
                                let before = write
                                for position in Int(starts[id])..<Int(starts[id + 1]) {
                                    let row = order[position]
                                    if row == CourseResolver.removed { break }
                                    destination[Int(row)] = Int32(write)
                                    order[write] = number
                                    sessionNumber[write] = sessionNumber[position]
                                    day[write] = day[position]
                                    write += 1
                                }
                                if write > before { number += 1 }
                            }
                        }
                    }
                }
            }
        }
        if keptCount < orderedCount {
            order.removeSubrange(keptCount...)
            sessionNumber.removeSubrange(keptCount...)
            day.removeSubrange(keptCount...)
        }
        starts = []

        // 6. Every other column, each gathered into place on whichever thread is free and
        //    released as soon as it has been.
        var table = SessionTable()
        table.clinicNames = (0...dictionaries.clinics.count).map {
            $0 == 0 ? "" : dictionaries.clinics.string(UInt32($0))
        }
        table.course = order
        order = []
        table.sessionNumber = sessionNumber
        sessionNumber = []
        table.day = day
        day = []
        let jobs = ResultSlots<ColumnJob>(count: ColumnJob.count)
        for (index, job) in ColumnJob.take(from: &parts, clinicMaps: dictionaries.clinicMaps).enumerated() {
            jobs[index] = job
        }
        parts = []
        let filled = destination.withUnsafeBufferPointer { destination in
            map(ColumnJob.count) { index in
                jobs.take(index).fill(destination: destination, bases: bases, count: keptCount)
            }
        }
        destination = []
        for column in filled { column.store(in: &table) }

        removeWarnings(ofRemoved: removedRecords, from: &issues)
        return (table, removals, keptWarned, keptVAS)
    }

    /// A removed record keeps its reason for removal only, not the warnings it had.
    private func removeWarnings(ofRemoved removedRecords: RemovedRecords, from issues: inout [RecordIssue]) {
        guard !removedRecords.isEmpty else { return }
        issues.removeAll { issue in
            issue.reason.severity == .warning
                && removedRecords.contains(file: issue.fileIndex, record: issue.record)
        }
    }

    /// Calls `body` for `0..<count`, on several threads when `parallelism` allows.
    ///
    /// `body` is not `@Sendable`: each call may write only what no other call touches (its
    /// own slot of a ``ResultSlots``, its own rows of a buffer), and read only what no call
    /// writes. Every caller here keeps to that.
    private func run(_ count: Int, _ body: (Int) -> Void) {
        if parallelism <= 1 || count <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
    }

    /// `body` of `0..<count`, in order, computed on several threads when `parallelism` allows.
    private func map<Value>(_ count: Int, _ body: (Int) -> Value) -> [Value] {
        let results = ResultSlots<Value>(count: count)
        run(count) { results[$0] = body($0) }
        return (0..<count).map { results.take($0) }
    }

    /// One part's rows per course (in ``Survey/cursor``), its slash dates that are not
    /// dates, and how many of its rows were warned about or on the VAS scale.
    private func survey(_ staged: StagedSessions, courses: Int) -> Survey {
        var counts = [Int32](repeating: 0, count: courses + 1)
        var notDates: [Int32] = []
        let order = slashOrders[Int(staged.fileIndex)] ?? .mdy
        staged.course.withUnsafeBufferPointer { course in
            staged.dateKey.withUnsafeBufferPointer { dateKey in
                counts.withUnsafeMutableBufferPointer { counts in
                    for row in 0..<course.count {
                        if dateKey[row] >= SessionDate.slashMarker && Self.day(dateKey[row], order) == nil {
                            notDates.append(Int32(row))
                            continue
                        }
                        counts[Int(course[row])] += 1
                    }
                }
            }
        }
        var warned = 0
        var vas = 0
        staged.flags.withUnsafeBufferPointer { flags in
            for flag in flags {
                warned &+= Int(flag & StagedSessions.warnedFlag)
                vas &+= Int(flag & StagedSessions.vasFlag)
            }
        }
        return Survey(
            cursor: counts, notDates: notDates, warned: warned, vas: vas / Int(StagedSessions.vasFlag))
    }

    /// Writes one part's rows into their places in course order, with their session
    /// numbers and days (slash dates read in the file's order).
    private func place(
        _ staged: StagedSessions, base: Int, survey: inout Survey, order: UnsafeMutableBufferPointer<UInt32>,
        sessionNumber: UnsafeMutableBufferPointer<Int32>, day: UnsafeMutableBufferPointer<Int32>
    ) {
        let slashOrder = slashOrders[Int(staged.fileIndex)] ?? .mdy
        let notDates = survey.notDates
        var nextNotDate = 0
        staged.course.withUnsafeBufferPointer { course in
            staged.dateKey.withUnsafeBufferPointer { dateKey in
                staged.sessionNumber.withUnsafeBufferPointer { number in
                    survey.cursor.withUnsafeMutableBufferPointer { cursor in
                        for row in 0..<course.count {
                            var key = dateKey[row]
                            if key >= SessionDate.slashMarker {
                                if nextNotDate < notDates.count && Int(notDates[nextNotDate]) == row {
                                    nextNotDate += 1
                                    continue
                                }
                                key = Self.day(key, slashOrder)!
                            }
                            let id = Int(course[row])
                            let position = Int(cursor[id])
                            cursor[id] += 1
                            order[position] = UInt32(base + row)
                            sessionNumber[position] = number[row]
                            day[position] = key
                        }
                    }
                }
            }
        }
    }

    /// The day of a packed slash date read in `order`, nil when it is not a date.
    private static func day(_ packed: Int32, _ order: DateFormat) -> Int32? {
        let (first, second, year) = SessionDate.unpack(packed)
        return order == .dmy
            ? SessionDate.day(year: year, month: second, day: first)
            : SessionDate.day(year: year, month: first, day: second)
    }

    /// Up to `count` ranges of course ids holding about as many rows each.
    private func courseChunks(_ starts: [Int32], count: Int) -> [Range<Int>] {
        let courses = starts.count - 1
        let rows = Int(starts[courses])
        var chunks: [Range<Int>] = []
        var lower = 0
        for chunk in 1...count {
            var upper = lower
            let target = rows * chunk / count
            while upper < courses && Int(starts[upper]) < target { upper += 1 }
            if chunk == count { upper = courses }
            if upper > lower || chunk == count {
                chunks.append(lower..<upper)
                lower = upper
            }
        }
        return chunks
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

/// An array of `count` elements that `fill` initialises, every one of them (its pages
/// mapped up front: see ``Prefault``).
private func column<Element>(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Element>) -> Void) -> [Element]
{
    [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        Prefault.pages(of: UnsafeMutableRawBufferPointer(buffer))
        fill(buffer)
        initialized = count
    }
}

/// An array of `count` elements of a trivial type, left for the caller to write every one.
private func uninitialized<Element: BitwiseCopyable>(_ type: Element.Type, _ count: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// The part holding global row `row`, and the row's index in it.
private func locate(_ row: Int, _ bases: [Int]) -> (part: Int, row: Int) {
    var low = 0
    var high = bases.count - 2
    while low < high {
        let middle = (low + high + 1) / 2
        if bases[middle] <= row { low = middle } else { high = middle - 1 }
    }
    return (low, row - bases[low])
}

/// The records (file, record number) that finalising removed, one bit each.
private struct RemovedRecords {
    private var bits: [[UInt64]]
    private(set) var isEmpty = true

    init(files: Int) { bits = Array(repeating: [], count: files) }

    mutating func insert(file: Int, record: Int) {
        let word = record >> 6
        if bits[file].count <= word {
            bits[file].append(contentsOf: repeatElement(0, count: word + 1 - bits[file].count))
        }
        bits[file][word] |= 1 << UInt64(record & 63)
        isEmpty = false
    }

    func contains(file: Int, record: Int) -> Bool {
        let word = record >> 6
        return word < bits[file].count && bits[file][word] & 1 << UInt64(record & 63) != 0
    }
}

/// What the survey of one part found.
private struct Survey {
    /// Rows per local course id; then the next place of each course's rows.
    var cursor: [Int32]
    /// Rows whose slash date is not a date in the file's order, ascending.
    var notDates: [Int32] = []
    var warned = 0
    var vas = 0
}

/// The dataset's dictionaries, in order of first appearance over the parts in order, and
/// each part's map from its ids to them.
///
/// The first part's patients become the dataset's as they are (its clinic ids are the
/// dataset's too). The last part's patients are only looked up, on several threads, and
/// those not found numbered on: no table is built for them.
private struct Dictionaries {
    var clinics = ByteInterner(capacity: 64)
    var therapists = ByteInterner(capacity: 256)
    /// Patients of every part but the last (of the only part, when there is one).
    private var patients = ByteInterner(capacity: 0)
    private var lastPatients = ByteInterner(capacity: 0)
    /// ``patients``' filter, for the look-ups.
    private var patientFilter: ByteInterner.Filter?
    var clinicMaps: [[UInt32]] = []
    var patientMaps: [[UInt32]] = []
    var therapistMaps: [[UInt32]] = []
    /// How many patients (local course ids) each part has.
    let patientCounts: [Int]
    /// How many the dataset has (set by ``addLastPart(found:)``).
    private(set) var patientCount = 0

    /// Takes the parts' dictionaries out of them and merges all but the last part's patients.
    init(parts: inout [StagedSessions]) {
        patientCounts = parts.map(\.patients.count)
        for part in parts.indices {
            var taken = ByteInterner(capacity: 0)
            swap(&taken, &parts[part].clinics)
            let clinicMap = clinics.absorb(taken)
            clinicMaps.append(clinicMap)
            taken = ByteInterner(capacity: 0)
            swap(&taken, &parts[part].therapists)
            therapistMaps.append(therapists.absorb(taken))
            taken = ByteInterner(capacity: 0)
            swap(&taken, &parts[part].patients)
            if part == 0 {
                patients = taken
                patientMaps.append((0...patients.count).map { UInt32($0) })
            } else if part == parts.count - 1 {
                lastPatients = taken
                patientFilter = patients.filter()
            } else {
                patientMaps.append(patients.absorb(taken, tags: clinicMap))
            }
        }
        if parts.count < 2 { patientCount = patients.count }
    }

    /// About `count` ranges of the last part's patient ids to look up (none for one part).
    func lookUpRanges(_ count: Int) -> [Range<Int>] {
        guard patientMaps.count < patientCounts.count else { return [] }
        let ids = lastPatients.count
        return (0..<count).map { 1 + ids * $0 / count..<1 + ids * ($0 + 1) / count }
    }

    /// The dataset's ids of the last part's patients `ids` (0 where not found).
    func lookUp(_ ids: Range<Int>) -> [UInt32] {
        patients.find(ids, of: lastPatients, tags: clinicMaps.last, filter: patientFilter)
    }

    /// Maps the last part's patients: those found as found, the others numbered on in order.
    mutating func addLastPart(found: [[UInt32]]) {
        guard patientMaps.count < patientCounts.count else { return }
        var next = UInt32(patients.count)
        var map: [UInt32] = [0]
        map.reserveCapacity(lastPatients.count + 1)
        for ids in found {
            for id in ids {
                if id != 0 {
                    map.append(id)
                } else {
                    next += 1
                    map.append(next)
                }
            }
        }
        patientMaps.append(map)
        patientCount = Int(next)
        patients = ByteInterner(capacity: 0)
        lastPatients = ByteInterner(capacity: 0)
        patientFilter = nil
    }
}

/// A removal found within a course.
private struct Removal {
    /// The removed row's part and index there.
    var part: Int
    var row: Int
    var reason: RejectReason
    /// The row it duplicates, or the first with its session number.
    var otherPart: Int
    var otherRow: Int
    /// The conflicting session number.
    var number: Int32

    init(_ removed: CourseResolver.Entry, reason: RejectReason, other: CourseResolver.Entry, number: Int32) {
        part = Int(removed.part)
        row = Int(removed.local)
        self.reason = reason
        otherPart = Int(other.part)
        otherRow = Int(other.local)
        self.number = number
    }
}

/// Resolves the courses of one range: duplicates, conflicts, derived session numbers and
/// the final order within each course.
private struct CourseResolver {
    let parts: [StagedSessions]
    let bases: [Int]
    let clinicMaps: [[UInt32]]
    let therapistMaps: [[UInt32]]
    private var entries: [Entry] = []
    private var keep: [Bool] = []

    /// One row of a course being resolved.
    struct Entry {
        /// Session number (0: none yet), or 1 << 32 above the biased day: rows with a
        /// session number group by it, the others by date.
        var group: UInt64
        var row: UInt32
        var number: Int32
        var day: Int32
        /// The row's part, and its index there.
        var part: Int32
        var local: Int32
    }

    /// `order`'s mark of a removed row.
    static let removed = UInt32.max

    /// What one range of courses came to.
    struct Outcome {
        var removals: [Removal] = []
        var kept = 0
        var courses = 0
    }

    init(parts: [StagedSessions], bases: [Int], clinicMaps: [[UInt32]], therapistMaps: [[UInt32]]) {
        self.parts = parts
        self.bases = bases
        self.clinicMaps = clinicMaps
        self.therapistMaps = therapistMaps
    }

    /// Leaves each course's kept rows at the start of its range, in session order, and
    /// ``removed`` in `order` after them.
    mutating func resolve(
        courses: Range<Int>, starts: [Int32], order: UnsafeMutableBufferPointer<UInt32>,
        sessionNumber: UnsafeMutableBufferPointer<Int32>, day: UnsafeMutableBufferPointer<Int32>
    ) -> Outcome {
        var outcome = Outcome()
        for course in courses {
            let start = Int(starts[course])
            let end = Int(starts[course + 1])
            if end == start { continue }
            outcome.courses += 1
            if end - start == 1 {
                if sessionNumber[start] == 0 { sessionNumber[start] = 1 }
                outcome.kept += 1
                continue
            }
            // Common case: session numbers, or dates without them, strictly rising in input
            // order. Nothing can be equal then, and the order stays.
            var rising = true
            if sessionNumber[start] > 0 {
                for position in (start + 1)..<end where sessionNumber[position] <= sessionNumber[position - 1]
                {
                    rising = false
                    break
                }
            } else {
                for position in (start + 1)..<end
                where sessionNumber[position] != 0 || day[position] <= day[position - 1] {
                    rising = false
                    break
                }
                if rising {
                    for position in start..<end { sessionNumber[position] = Int32(position - start + 1) }
                }
            }
            if rising {
                outcome.kept += end - start
                continue
            }
            outcome.kept += resolve(
                start..<end, order: order, sessionNumber: sessionNumber, day: day, removals: &outcome.removals
            )
        }
        return outcome
    }

    /// The general case of one course; returns how many rows it keeps.
    private mutating func resolve(
        _ range: Range<Int>, order: UnsafeMutableBufferPointer<UInt32>,
        sessionNumber: UnsafeMutableBufferPointer<Int32>, day: UnsafeMutableBufferPointer<Int32>,
        removals: inout [Removal]
    ) -> Int {
        entries.removeAll(keepingCapacity: true)
        for position in range {
            let number = sessionNumber[position]
            let group =
                number > 0
                ? UInt64(UInt32(number)) : 1 << 32 | UInt64(UInt32(bitPattern: day[position]) ^ 0x8000_0000)
            let (part, local) = locate(Int(order[position]), bases)
            entries.append(
                Entry(
                    group: group, row: order[position], number: number, day: day[position], part: Int32(part),
                    local: Int32(local)))
        }
        // By group, then input order (global rows are in input order).
        Self.sort(&entries) { $0.group < $1.group || ($0.group == $1.group && $0.row < $1.row) }
        keep.removeAll(keepingCapacity: true)
        keep.append(contentsOf: repeatElement(true, count: entries.count))
        var groupStart = 0
        while groupStart < entries.count {
            let first = entries[groupStart]
            var next = groupStart + 1
            while next < entries.count && entries[next].group == first.group {
                // With session numbers only the first row of a group is kept; by date,
                // several different visits may be, and a copy of any of them is a duplicate.
                let candidate = entries[next]
                let original = (groupStart..<next).first { keep[$0] && sameRecord(entries[$0], candidate) }
                if let original {
                    keep[next] = false
                    removals.append(
                        Removal(candidate, reason: .duplicateRecord, other: entries[original], number: 0))
                } else if first.number > 0 {
                    keep[next] = false
                    removals.append(
                        Removal(
                            candidate, reason: .conflictingSessionNumber, other: first, number: first.number))
                }
                next += 1
            }
            groupStart = next
        }
        // Derive session numbers by date order (ties: input order) where the column is absent.
        var derived: Int32 = 0
        var kept = 0
        for index in entries.indices where keep[index] {
            if entries[index].number == 0 {
                derived += 1
                entries[index].number = derived
            }
            entries[kept] = entries[index]
            kept += 1
        }
        entries.removeSubrange(kept...)
        Self.sort(&entries) { a, b in
            if a.number != b.number { return a.number < b.number }
            return a.day != b.day ? a.day < b.day : a.row < b.row
        }
        for (index, entry) in entries.enumerated() {
            order[range.lowerBound + index] = entry.row
            sessionNumber[range.lowerBound + index] = entry.number
            day[range.lowerBound + index] = entry.day
        }
        for position in (range.lowerBound + kept)..<range.upperBound { order[position] = Self.removed }
        return kept
    }

    /// True when the rows are equal field by field after normalisation (both in one course,
    /// so of one patient and clinic).
    private func sameRecord(_ a: Entry, _ b: Entry) -> Bool {
        guard a.number == b.number && a.day == b.day else { return false }
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        let (p, i, q, j) = (Int(a.part), Int(a.local), Int(b.part), Int(b.local))
        let vasX = parts[p].flags[i] & StagedSessions.vasFlag != 0
        let vasY = parts[q].flags[j] & StagedSessions.vasFlag != 0
        return clinicMaps[p][Int(parts[p].clinic[i])] == clinicMaps[q][Int(parts[q].clinic[j])]
            && parts[p].technique[i] == parts[q].technique[j]
            && therapistMaps[p][Int(parts[p].therapist[i])] == therapistMaps[q][Int(parts[q].therapist[j])]
            && parts[p].duration[i] == parts[q].duration[j]
            && same(parts[p].painPre.pain(i, vas: vasX), parts[q].painPre.pain(j, vas: vasY))
            && same(parts[p].painPost.pain(i, vas: vasX), parts[q].painPost.pain(j, vas: vasY))
            && same(parts[p].medDoses[i], parts[q].medDoses[j]) && parts[p].cause[i] == parts[q].cause[j]
            && same(parts[p].onsetWeeks[i], parts[q].onsetWeeks[j]) && parts[p].age[i] == parts[q].age[j]
            && parts[p].sex[i] == parts[q].sex[j] && parts[p].adverseEvent[i] == parts[q].adverseEvent[j]
            && parts[p].notesHash[i] == parts[q].notesHash[j]
    }

    /// Insertion sort for the few rows of a course; the standard sort for long courses.
    private static func sort(_ entries: inout [Entry], by less: (Entry, Entry) -> Bool) {
        if entries.count > 64 {
            entries.sort(by: less)
            return
        }
        entries.withUnsafeMutableBufferPointer { entries in
            for index in entries.indices.dropFirst() {
                let entry = entries[index]
                var position = index
                while position > 0 && less(entry, entries[position - 1]) {
                    entries[position] = entries[position - 1]
                    position -= 1
                }
                entries[position] = entry
            }
        }
    }
}

/// Columns of the table still to be filled, taken out of the parts so that the thread that
/// fills one can release its sources as soon as it is done.
private enum ColumnJob {
    case clinic([StagedColumn<UInt32>], maps: [[UInt32]])
    case decimal(WritableKeyPath<SessionTable, [Double]>, [DecimalColumn], vas: [StagedColumn<UInt8>]?)
    case techniqueDurationCause([StagedColumn<Technique>], [StagedColumn<UInt8>], [StagedColumn<Cause>])
    case ageSexAdverseEvent([StagedColumn<UInt8>], [StagedColumn<Sex>], [StagedColumn<AdverseEvent>])

    static let count = 7

    /// Moves the columns out of `parts`, heaviest jobs first.
    static func take(from parts: inout [StagedSessions], clinicMaps: [[UInt32]]) -> [ColumnJob] {
        func take<Column>(_ path: WritableKeyPath<StagedSessions, Column>, _ empty: Column) -> [Column] {
            parts.indices.map { part in
                defer { parts[part][keyPath: path] = empty }
                return parts[part][keyPath: path]
            }
        }
        let flags = take(\.flags, [])
        return [
            .decimal(\.painPre, take(\.painPre, DecimalColumn()), vas: flags),
            .decimal(\.painPost, take(\.painPost, DecimalColumn()), vas: flags),
            .decimal(\.medDosesPerDay, take(\.medDoses, DecimalColumn()), vas: nil),
            .decimal(\.symptomOnsetWeeks, take(\.onsetWeeks, DecimalColumn()), vas: nil),
            .clinic(take(\.clinic, []), maps: clinicMaps),
            .techniqueDurationCause(take(\.technique, []), take(\.duration, []), take(\.cause, [])),
            .ageSexAdverseEvent(take(\.age, []), take(\.sex, []), take(\.adverseEvent, [])),
        ]
    }

    /// The table's column(s) in place: row `i` of part `p` goes to
    /// `destination[bases[p] + i]` (nowhere when negative).
    consuming func fill(destination: UnsafeBufferPointer<Int32>, bases: [Int], count: Int) -> FilledColumn {
        func slice(_ part: Int) -> UnsafeBufferPointer<Int32> {
            UnsafeBufferPointer(rebasing: destination[bases[part]..<bases[part + 1]])
        }
        /// Up to three columns at once (one pass over the destinations), each written at
        /// every destination: the output arrays are created without initialising them.
        func scatter<A, B, C>(
            _ a: [StagedColumn<A>], _ b: [StagedColumn<B>], _ c: [StagedColumn<C>]
        ) -> ([A], [B], [C]) {
            var outputB: [B] = []
            var outputC: [C] = []
            let outputA: [A] = column(count) { outA in
                outputB = column(count) { outB in
                    outputC = column(count) { outC in
                        for part in a.indices {
                            let destination = slice(part)
                            a[part].withUnsafeBufferPointer { a in
                                b[part].withUnsafeBufferPointer { b in
                                    c[part].withUnsafeBufferPointer { c in
                                        for row in 0..<destination.count {
                                            let place = Int(destination[row])
                                            if place < 0 { continue }
                                            (outA.baseAddress! + place).initialize(to: a[row])
                                            (outB.baseAddress! + place).initialize(to: b[row])
                                            (outC.baseAddress! + place).initialize(to: c[row])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (outputA, outputB, outputC)
        }
        switch consume self {
        case .clinic(let sources, let maps):
            let values: [UInt32] = column(count) { output in
                for part in sources.indices {
                    let destination = slice(part)
                    sources[part].withUnsafeBufferPointer { source in
                        maps[part].withUnsafeBufferPointer { map in
                            for row in 0..<destination.count {
                                let place = Int(destination[row])
                                if place >= 0 { output[place] = map[Int(source[row])] }
                            }
                        }
                    }
                }
            }
            return .clinic(values)
        case .decimal(let path, let sources, let vas):
            let values: [Double] = column(count) { output in
                for part in sources.indices {
                    if let vas {
                        vas[part].withUnsafeBufferPointer { flags in
                            sources[part].scatter(into: output, destinations: slice(part), flags: flags)
                        }
                    } else {
                        sources[part].scatter(into: output, destinations: slice(part), flags: nil)
                    }
                }
            }
            return .decimal(path, values)
        case .techniqueDurationCause(let technique, let duration, let cause):
            let (techniques, durations, causes) = scatter(technique, duration, cause)
            return .techniqueDurationCause(techniques, durations, causes)
        case .ageSexAdverseEvent(let age, let sex, let adverseEvent):
            let (ages, sexes, adverseEvents) = scatter(age, sex, adverseEvent)
            return .ageSexAdverseEvent(ages, sexes, adverseEvents)
        }
    }
}

/// A filled column of the table.
private enum FilledColumn {
    case clinic([UInt32])
    case decimal(WritableKeyPath<SessionTable, [Double]>, [Double])
    case techniqueDurationCause([Technique], [UInt8], [Cause])
    case ageSexAdverseEvent([UInt8], [Sex], [AdverseEvent])

    consuming func store(in table: inout SessionTable) {
        switch consume self {
        case .clinic(let values): table.clinic = values
        case .decimal(let path, let values): table[keyPath: path] = values
        case .techniqueDurationCause(let technique, let duration, let cause):
            table.technique = technique
            table.durationMinutes = duration
            table.cause = cause
        case .ageSexAdverseEvent(let age, let sex, let adverseEvent):
            table.age = age
            table.sex = sex
            table.adverseEvent = adverseEvent
        }
    }
}

/// A value handed to other threads by a caller that keeps their accesses apart.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
