/// A marker symbol drawn at a data point.
enum MarkerShape: CaseIterable, Sendable, Equatable {
    case circle
    case square
    case diamond
    case triangleUp
    case triangleDown

    /// Writes the marker centred at (`x`, `y`) with half-size `radius`, in pixels.
    ///
    /// Fill and stroke come from the enclosing group.
    func write(to writer: inout SVGWriter, x: Double, y: Double, radius r: Double) {
        let n = SVGWriter.number
        switch self {
        case .circle:
            writer.empty("circle", [("cx", n(x)), ("cy", n(y)), ("r", n(r))])
        case .square:
            let side = r * 1.7
            writer.empty(
                "rect",
                [("x", n(x - side / 2)), ("y", n(y - side / 2)), ("width", n(side)), ("height", n(side))])
        case .diamond:
            let d = r * 1.3
            writer.empty(
                "path",
                [
                    (
                        "d",
                        "M \(n(x)) \(n(y - d)) L \(n(x + d)) \(n(y)) L \(n(x)) \(n(y + d)) L \(n(x - d)) \(n(y)) Z"
                    )
                ])
        case .triangleUp, .triangleDown:
            let d = r * 1.3
            let sign = self == .triangleUp ? 1.0 : -1.0
            let apex = y - sign * d
            let base = y + sign * d * 0.75
            writer.empty(
                "path", [("d", "M \(n(x)) \(n(apex)) L \(n(x + d)) \(n(base)) L \(n(x - d)) \(n(base)) Z")])
        }
    }
}
