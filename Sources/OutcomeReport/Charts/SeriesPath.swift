/// Builds SVG path data for a series' line and band, breaking at non-finite values.
///
/// Linear runs use `L` segments; step runs use `H` then `V` (post-step). Coordinates
/// are absolute pixels with at most two decimals.
enum SeriesPath {
    /// The line's path data and the points that stand alone between breaks.
    ///
    /// A run of one finite point cannot be seen as a line, so it is returned in
    /// `isolated` for the caller to mark. `data` is empty when no run has two points.
    static func line(_ points: [ChartPoint], interpolation: ChartInterpolation, scale: PlotScale)
        -> (data: String, isolated: [ChartPoint])
    {
        let n = SVGWriter.number
        var parts: [String] = []
        var isolated: [ChartPoint] = []
        for run in finiteRuns(points, isFinite: { $0.x.isFinite && $0.y.isFinite }) {
            guard run.count > 1 else {
                isolated.append(contentsOf: run)
                continue
            }
            var data = "M \(n(scale.x(run[0].x))) \(n(scale.y(run[0].y)))"
            for point in run.dropFirst() {
                switch interpolation {
                case .linear: data += " L \(n(scale.x(point.x))) \(n(scale.y(point.y)))"
                case .step: data += " H \(n(scale.x(point.x))) V \(n(scale.y(point.y)))"
                }
            }
            parts.append(data)
        }
        return (parts.joined(separator: " "), isolated)
    }

    /// The band's path data: one closed outline per run of at least two finite slices.
    static func band(_ slices: [ChartBand], interpolation: ChartInterpolation, scale: PlotScale) -> String {
        let n = SVGWriter.number
        var parts: [String] = []
        let runs = finiteRuns(slices, isFinite: { $0.x.isFinite && $0.low.isFinite && $0.high.isFinite })
        for run in runs where run.count > 1 {
            let x = run.map { n(scale.x($0.x)) }
            let high = run.map { n(scale.y($0.high)) }
            let low = run.map { n(scale.y($0.low)) }
            var data = "M \(x[0]) \(high[0])"
            switch interpolation {
            case .linear:
                for i in 1..<run.count { data += " L \(x[i]) \(high[i])" }
                for i in (0..<run.count).reversed() { data += " L \(x[i]) \(low[i])" }
            case .step:
                for i in 1..<run.count { data += " H \(x[i]) V \(high[i])" }
                data += " V \(low[run.count - 1])"
                for i in (1..<run.count).reversed() { data += " V \(low[i - 1]) H \(x[i - 1])" }
            }
            parts.append(data + " Z")
        }
        return parts.joined(separator: " ")
    }

    /// The line's `y` at `x`, or `nil` when `x` is not on a drawn stretch of the line.
    static func value(at x: Double, of points: [ChartPoint], interpolation: ChartInterpolation) -> Double? {
        guard x.isFinite else { return nil }
        for run in finiteRuns(points, isFinite: { $0.x.isFinite && $0.y.isFinite }) {
            for i in run.indices {
                let point = run[i]
                if point.x == x { return point.y }
                guard i + 1 < run.count else { continue }
                let next = run[i + 1]
                guard point.x < x, x < next.x else { continue }
                switch interpolation {
                case .step: return point.y
                case .linear: return point.y + (next.y - point.y) * (x - point.x) / (next.x - point.x)
                }
            }
        }
        return nil
    }

    /// The maximal runs of consecutive elements that are finite.
    private static func finiteRuns<Element>(_ elements: [Element], isFinite: (Element) -> Bool)
        -> [[Element]]
    {
        var runs: [[Element]] = []
        var current: [Element] = []
        for element in elements {
            if isFinite(element) {
                current.append(element)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
