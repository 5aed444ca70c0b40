import OutcomeStats
import SessionModel

/// The report's four charts, built from the analysis. Suppressed cells are never drawn:
/// a suppressed series is left out and named in a footnote; a suppressed point of the
/// session trend breaks its line.
enum ReportCharts {
    /// File name and chart, in the order the report shows them.
    static func all(_ analysis: OutcomeAnalysis) -> [(name: String, chart: LineChart)] {
        [
            ("chart_pain_by_session.svg", painBySession(analysis)),
            ("chart_sessions_to_response.svg", sessionsToResponse(analysis)),
            ("chart_responders_by_threshold.svg", respondersByThreshold(analysis)),
            ("chart_medication_by_session.svg", medicationBySession(analysis)),
        ]
    }

    static func style(_ group: TechniqueGroup) -> Int {
        switch group {
        case .technique(let technique): Int(technique.rawValue)
        case .mixed: 8
        case .all: 9
        }
    }

    private static func suppressionNote(_ names: [String], _ settings: AnalysisSettings) -> [String] {
        names.isEmpty
            ? []
            : [
                "Not drawn (fewer than \(settings.minimumCellSize) courses): \(names.joined(separator: ", "))."
            ]
    }

    /// One series per primary technique over session numbers 1…max: `value` of each shown
    /// point (suppressed points become gaps), with an optional band.
    private static func trendSeries(
        _ analysis: OutcomeAnalysis, markers: Bool, value: (SessionTrendPoint) -> Double,
        band: ((SessionTrendPoint) -> (Double?, Double?))? = nil
    ) -> (series: [ChartSeries], hidden: [String], partlyHidden: Bool) {
        var series: [ChartSeries] = []
        var hidden: [String] = []
        var partlyHidden = false
        for group in TechniqueGroup.primaryGroups {
            let points = analysis.sessionTrend.filter { $0.group == group }
            guard !points.isEmpty else { continue }
            if points.allSatisfy(\.suppressed) {
                hidden.append(group.name)
                continue
            }
            partlyHidden = partlyHidden || points.contains(where: \.suppressed)
            var line: [ChartPoint] = []
            var bands: [ChartBand] = []
            for number in 1...analysis.settings.maximumSession {
                let point = points.first { $0.sessionNumber == number && !$0.suppressed }
                let x = Double(number)
                line.append(ChartPoint(x: x, y: point.map(value) ?? .nan))
                if let band {
                    let (low, high) = point.map(band) ?? (nil, nil)
                    bands.append(ChartBand(x: x, low: low ?? .nan, high: high ?? .nan))
                }
            }
            series.append(
                ChartSeries(
                    name: group.label, points: line, band: bands, showsMarkers: markers,
                    styleIndex: style(group)))
        }
        return (series, hidden, partlyHidden)
    }

    static func painBySession(_ analysis: OutcomeAnalysis) -> LineChart {
        let settings = analysis.settings
        let (series, hidden, partlyHidden) = trendSeries(
            analysis, markers: false, value: \.meanPain, band: { ($0.pain.low, $0.pain.high) })
        var notes = [
            "Courses that enter course-level figures, by primary technique; shaded: 95% confidence band of the mean (Student t). Later sessions hold only the courses that reached them."
        ]
        notes += suppressionNote(hidden, settings)
        if partlyHidden {
            notes.append("Points from fewer than \(settings.minimumCellSize) courses are left out.")
        }
        return LineChart(
            title: "Mean pain by session number", subtitle: "Pain before each session, NRS 0–10",
            xAxis: ChartAxis(
                label: "Session number", minimum: 1, maximum: Double(max(settings.maximumSession, 2)),
                tickStep: 1,
                format: .integer),
            yAxis: ChartAxis(
                label: "Mean pain before session (NRS 0–10)", minimum: 0, maximum: 10, tickStep: 1),
            series: series, notes: notes)
    }

    static func sessionsToResponse(_ analysis: OutcomeAnalysis) -> LineChart {
        let settings = analysis.settings
        var series: [ChartSeries] = []
        var hidden: [String] = []
        var longest = 2
        for curve in analysis.survivalCurves where curve.group != .all {
            if curve.suppressed {
                hidden.append(curve.group.name)
                continue
            }
            var points = [ChartPoint(x: 1, y: 1)]
            var censored: [Double] = []
            for step in curve.estimate.steps {
                points.append(ChartPoint(x: Double(step.time), y: step.survival))
                if step.censored > 0 { censored.append(Double(step.time)) }
                longest = max(longest, step.time)
            }
            series.append(
                ChartSeries(
                    name: curve.group.label, points: points, interpolation: .step, censorMarks: censored,
                    styleIndex: style(curve.group)))
        }
        let threshold = DecimalFormat.fixed(settings.responderThreshold, places: 0)
        var notes = [
            "Kaplan–Meier estimate: response is pain before a session at or below \(100 - Int(settings.responderThreshold))% of session 1 pain (a \(threshold)% improvement); courses that never respond are censored at their last session (tick marks)."
        ]
        notes += suppressionNote(hidden, settings)
        return LineChart(
            title: "Sessions to response", subtitle: "Proportion of courses not yet responding",
            xAxis: ChartAxis(
                label: "Session number", minimum: 1, maximum: Double(min(longest, 30)), format: .integer),
            yAxis: ChartAxis(
                label: "Not yet responded", minimum: 0, maximum: 1, tickStep: 0.1, format: .percent),
            series: series, notes: notes)
    }

    static func respondersByThreshold(_ analysis: OutcomeAnalysis) -> LineChart {
        let settings = analysis.settings
        var series: [ChartSeries] = []
        var hidden: [String] = []
        for curve in analysis.responderCurves where curve.group != .all {
            if curve.suppressed {
                hidden.append(curve.group.name)
                continue
            }
            let points = curve.proportions.enumerated().map {
                ChartPoint(x: Double($0.offset), y: $0.element)
            }
            series.append(
                ChartSeries(name: curve.group.label, points: points, styleIndex: style(curve.group)))
        }
        var notes = [
            "Share of courses whose pain fell by at least the threshold from session 1 to the last session; the report's responder threshold is \(DecimalFormat.fixed(settings.responderThreshold, places: 0))%."
        ]
        notes += suppressionNote(hidden, settings)
        return LineChart(
            title: "Responders at every improvement threshold",
            subtitle: "Cumulative proportion of responders",
            xAxis: ChartAxis(
                label: "Improvement from session 1 to last session (%)", minimum: 0, maximum: 100,
                tickStep: 10),
            yAxis: ChartAxis(
                label: "Courses at or above threshold", minimum: 0, maximum: 1, tickStep: 0.1,
                format: .percent),
            series: series, notes: notes)
    }

    static func medicationBySession(_ analysis: OutcomeAnalysis) -> LineChart {
        let settings = analysis.settings
        let (series, hidden, _) = trendSeries(analysis, markers: true, value: \.meanDoses)
        let highest = series.flatMap(\.points).map(\.y).filter(\.isFinite).max() ?? 1
        var notes = [
            "Mean analgesic doses per day at each session, over the sessions that recorded a value, by primary technique."
        ]
        notes += suppressionNote(hidden, settings)
        return LineChart(
            title: "Analgesic use by session number", subtitle: "Mean doses per day",
            xAxis: ChartAxis(
                label: "Session number", minimum: 1, maximum: Double(max(settings.maximumSession, 2)),
                tickStep: 1,
                format: .integer),
            yAxis: ChartAxis(
                label: "Analgesic doses per day", minimum: 0, maximum: (max(highest, 1) * 1.15).rounded(.up)),
            series: series, notes: notes)
    }
}
