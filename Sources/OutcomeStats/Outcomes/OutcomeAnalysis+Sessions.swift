import SessionModel

extension OutcomeAnalysis {
    /// The rows of `technique_sessions.csv`: by the session's own technique, then all sessions.
    ///
    /// Two streaming passes over the table (sums, then residuals about the first mean). The sums
    /// of all sessions stay in registers; those of the techniques are updated in place.
    static func techniqueSessions(_ table: SessionTable, _ settings: AnalysisSettings) -> [TechniqueSessions]
    {
        var tallies = [SessionTally](repeating: SessionTally(), count: Technique.allCases.count)
        var all = SessionTally()
        tallies.withUnsafeMutableBufferPointer { tallies in
            for row in 0..<table.count {
                let (course, adverse) = (Int64(table.course[row]), table.adverseEvent[row] != .none)
                let (pre, post) = (table.painPre[row], table.painPost[row])
                tallies[Int(table.technique[row].rawValue)].add(
                    course: course, adverse: adverse, pre: pre, post: post)
                all.add(course: course, adverse: adverse, pre: pre, post: post)
            }
        }
        func residuals(_ tally: SessionTally) -> Residuals {
            Residuals(firstMean: SampleMoments.firstMean(sum: tally.relief, count: max(1, tally.withPost)))
        }
        var residualsByTechnique = tallies.map(residuals)
        var allResiduals = residuals(all)
        residualsByTechnique.withUnsafeMutableBufferPointer { residualsByTechnique in
            for row in 0..<table.count {
                let post = table.painPost[row]
                let relief = table.painPre[row] - post
                residualsByTechnique[Int(table.technique[row].rawValue)].add(relief, if: !post.isNaN)
                allResiduals.add(relief, if: !post.isNaN)
            }
        }

        var rows: [TechniqueSessions] = []
        // Each technique, then all sessions.
        let groups =
            tallies.indices.map { TechniqueGroup.technique(Technique(rawValue: UInt8($0))!) } + [.all]
        let residuals = residualsByTechnique + [allResiduals]
        for (slot, tally) in (tallies + [all]).enumerated() where tally.sessions > 0 {
            let (group, residuals) = (groups[slot], residuals[slot])
            let relief = SampleMoments(
                count: tally.withPost, firstMean: residuals.firstMean, residuals: residuals)
            rows.append(
                TechniqueSessions(
                    group: group, sessions: tally.sessions, courses: tally.courses,
                    suppressed: settings.suppresses(tally.courses), sessionsWithPost: tally.withPost,
                    relief: MeanInterval(moments: relief, confidence: settings.confidence),
                    adverseEvents: tally.adverse,
                    adversePer100: Double(tally.adverse) / Double(tally.sessions) * 100))
        }
        return rows
    }
}

/// The first pass over the sessions of one row of `technique_sessions.csv`.
private struct SessionTally {
    var sessions = 0
    var withPost = 0
    var adverse = 0
    /// Distinct courses: rows of a course are contiguous, so a change of course is a new one.
    var courses = 0
    var lastCourse: Int64 = -1
    /// Pain relief (pre minus post) where post is recorded.
    var relief = CompensatedSum()

    @inline(__always)
    mutating func add(course: Int64, adverse isAdverse: Bool, pre: Double, post: Double) {
        // Without branches: whether a session has a post score or an adverse event is
        // unpredictable.
        sessions += 1
        courses += lastCourse != course ? 1 : 0
        lastCourse = course
        adverse += isAdverse ? 1 : 0
        withPost += post.isNaN ? 0 : 1
        relief.add(pre - post, if: !post.isNaN)
    }
}
