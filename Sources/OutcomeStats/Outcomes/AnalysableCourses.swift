import SessionModel

/// The analysable courses (METRICS.md §2) in course order, with the values every course-level
/// figure reads, gathered once for all of them.
///
/// A course is named here by its position in this list; `course[position]` is its index in
/// ``Courses``.
struct AnalysableCourses: Sendable {
    let courses: Courses
    /// Index into ``Courses`` of each analysable course, ascending.
    let course: [Int32]
    /// Baseline pain and its change (baseline minus latest) of each analysable course.
    let baseline: [Double]
    let change: [Double]
    /// Index of the course's primary group in `TechniqueGroup.primaryGroups`.
    let group: [UInt8]
    /// Positions of the courses of each primary group, ascending (empty for an absent group).
    let members: [[Int32]]
    /// The largest sessions-to-response time (response or censoring session).
    let latestTime: Int

    var count: Int { course.count }

    init(_ courses: Courses, settings: AnalysisSettings) {
        self.courses = courses
        var course: [Int32] = []
        var baseline: [Double] = []
        var change: [Double] = []
        var group: [UInt8] = []
        var members = [[Int32]](repeating: [], count: TechniqueGroup.primaryGroups.count)
        var latestTime = 0
        for index in 0..<courses.count where courses.status[index] == .analysable {
            let slot =
                courses.primary[index].map { Int($0.rawValue) } ?? TechniqueGroup.primaryGroups.count - 1
            members[slot].append(Int32(course.count))
            course.append(Int32(index))
            baseline.append(courses.baseline[index])
            change.append(courses.change(index))
            group.append(UInt8(slot))
            latestTime = max(latestTime, Int(courses.time(index)))
        }
        self.course = course
        self.baseline = baseline
        self.change = change
        self.group = group
        self.members = members
        self.latestTime = latestTime
    }

    /// Change as a percentage of baseline pain (``Courses/percentChange(_:)``).
    @inline(__always)
    func percentChange(_ position: Int) -> Double { change[position] / baseline[position] * 100 }
}

extension Courses {
    /// Sessions to response: the response session, or the last session when censored.
    @inline(__always)
    func time(_ course: Int) -> Int32 {
        responseSession[course] > 0 ? responseSession[course] : lastSession[course]
    }
}
