/// Where everything of a ``LineChart`` goes, in pixels: header, plot, ticks, legend, notes.
///
/// Computed top-down and bottom-up from estimated text widths (``TextMetrics``) so
/// that the title, tick labels, axis titles, legend and notes never overlap the plot
/// or each other. The legend goes right of the plot when it is narrow enough and
/// fits its height, otherwise below the x-axis title in as many columns as fit.
struct ChartLayout: Sendable {
    /// A line of text and its anchor point (baseline).
    struct TextLine: Sendable, Equatable {
        var text: String
        var x: Double
        var y: Double
    }

    /// A tick: its value, pixel position along the axis and label.
    struct Tick: Sendable, Equatable {
        var value: Double
        var position: Double
        var label: String
    }

    /// One legend row: which series, its (possibly shortened) label and where the swatch starts.
    struct LegendSlot: Sendable, Equatable {
        var seriesIndex: Int
        var label: String
        var x: Double
        /// The vertical centre of the row.
        var y: Double
    }

    static let padding = 16.0
    static let titleFontSize = 17.0
    static let subtitleFontSize = 13.0
    static let axisTitleFontSize = 13.0
    static let tickFontSize = 11.0
    static let legendFontSize = 12.0
    static let noteFontSize = 11.0
    static let tickLength = 5.0
    static let swatchWidth = 26.0
    static let swatchGap = 7.0
    static let legendRowHeight = 20.0
    static let legendGap = 18.0
    static let legendColumnGap = 20.0

    /// The title and subtitle lines.
    var titleLines: [TextLine] = []
    var subtitleLines: [TextLine] = []
    /// The pixel mapping for data inside the plot rectangle.
    var scale: PlotScale
    var xTicks: [Tick] = []
    var yTicks: [Tick] = []
    /// The x-axis title lines, centred under the plot.
    var xTitleLines: [TextLine] = []
    /// The y-axis title lines, centred beside the plot, each to be rotated −90° about its anchor.
    var yTitleLines: [TextLine] = []
    var legend: [LegendSlot] = []
    var noteLines: [TextLine] = []

    /// Lays out `chart`, whose drawn series are `drawnSeries` (indexes into `chart.series`).
    init(chart: LineChart, drawnSeries: [Int]) {
        let width = Double(max(chart.width, 1))
        let height = Double(max(chart.height, 1))
        let pad = Self.padding
        let contentWidth = max(width - 2 * pad, 1)

        // Header, top-down.
        var cursor = pad
        // Bold text runs about 10% wider than the estimate for regular text.
        let titleMeasure = Self.titleFontSize * 1.1
        for text in TextMetrics.wrap(chart.title, fontSize: titleMeasure, maximumWidth: contentWidth) {
            titleLines.append(TextLine(text: text, x: pad, y: cursor + Self.titleFontSize * 0.8))
            cursor += Self.titleFontSize * 1.3
        }
        let subtitle = chart.subtitle ?? ""
        for text in TextMetrics.wrap(subtitle, fontSize: Self.subtitleFontSize, maximumWidth: contentWidth) {
            subtitleLines.append(TextLine(text: text, x: pad, y: cursor + Self.subtitleFontSize * 0.8))
            cursor += Self.subtitleFontSize * 1.35
        }
        let plotTop = cursor + (titleLines.isEmpty && subtitleLines.isEmpty ? 6 : 14)

        // Footer heights, bottom-up.
        let notes = chart.notes.flatMap {
            TextMetrics.wrap($0, fontSize: Self.noteFontSize, maximumWidth: contentWidth)
        }
        let noteLineHeight = Self.noteFontSize * 1.4
        let notesBlock = notes.isEmpty ? 0 : 8 + Double(notes.count) * noteLineHeight
        let xTickBlock = Self.tickLength + 4 + Self.tickFontSize
        let titleLineHeight = Self.axisTitleFontSize * 1.25

        // Legend: right of the plot if it is narrow and short enough, else below in columns.
        let names = drawnSeries.map { chart.series[$0].name }
        let swatch = Self.swatchWidth + Self.swatchGap
        let naturalWidth = names.map { TextMetrics.width($0, fontSize: Self.legendFontSize) }.max() ?? 0
        let rightReserve = swatch + naturalWidth + Self.legendGap
        // The x title wraps to roughly the plot width (the y margin is not known yet).
        func wrapXTitle(reserve: Double) -> [String] {
            Self.wrap(
                chart.xAxis.label, fontSize: Self.axisTitleFontSize,
                maximumWidth: max(contentWidth - reserve - 70, 60), maximumLines: 2)
        }
        func axisBlockHeight(lines: Int) -> Double {
            xTickBlock + 8 + Self.axisTitleFontSize + Double(max(lines, 1) - 1) * titleLineHeight + 4
        }
        var xTitleTexts = wrapXTitle(reserve: rightReserve)
        let legendRight =
            !names.isEmpty && rightReserve <= 0.34 * width
            && Double(names.count) * Self.legendRowHeight
                <= height - pad - notesBlock - axisBlockHeight(lines: xTitleTexts.count) - plotTop
        if !legendRight { xTitleTexts = wrapXTitle(reserve: 0) }
        let axisBlock = axisBlockHeight(lines: xTitleTexts.count)
        // Below the plot, names are kept whole if two columns fit; otherwise long ones are
        // shortened so that up to three columns fit.
        var labels = names
        if !legendRight {
            let naturalColumns = Int(
                (contentWidth + Self.legendColumnGap) / (swatch + naturalWidth + Self.legendColumnGap))
            if naturalColumns < min(names.count, 2) {
                let target = Double(min(max(names.count, 1), 3))
                let limit = (contentWidth - (target - 1) * Self.legendColumnGap) / target - swatch
                labels = names.map {
                    TextMetrics.truncate($0, fontSize: Self.legendFontSize, maximumWidth: max(limit, 40))
                }
            }
        }
        let labelWidth = labels.map { TextMetrics.width($0, fontSize: Self.legendFontSize) }.max() ?? 0
        let entryWidth = swatch + labelWidth
        var legendColumns = 1
        var legendBlock = 0.0
        if !labels.isEmpty, !legendRight {
            let fit = Int((contentWidth + Self.legendColumnGap) / (entryWidth + Self.legendColumnGap))
            legendColumns = max(1, min(fit, labels.count))
            let rows = (labels.count + legendColumns - 1) / legendColumns
            legendBlock = 6 + Double(rows) * Self.legendRowHeight
        }
        let plotBottom = max(plotTop + 1, height - pad - notesBlock - legendBlock - axisBlock)
        let plotHeight = plotBottom - plotTop

        // Y ticks decide the left margin.
        let yRange = chart.yAxis.drawnRange
        let yValues = chart.yAxis.ticks(maximumCount: max(2, Int(plotHeight / 36) + 1))
        let yStep = Self.step(of: yValues)
        let yLabels = yValues.map { chart.yAxis.tickLabel($0, step: yStep) }
        let yLabelWidth = yLabels.map { TextMetrics.width($0, fontSize: Self.tickFontSize) }.max() ?? 0
        let yTitleTexts = Self.wrap(
            chart.yAxis.label, fontSize: Self.axisTitleFontSize, maximumWidth: plotHeight + 10,
            maximumLines: 3)
        let yTitleBlock = Self.axisTitleFontSize + Double(max(yTitleTexts.count, 1) - 1) * titleLineHeight
        let plotLeft = pad + yTitleBlock + 10 + yLabelWidth + 4 + Self.tickLength

        // X ticks: as many as fit without their labels touching.
        let xRange = chart.xAxis.drawnRange
        var plotRight = max(plotLeft + 1, width - pad - (legendRight ? entryWidth + Self.legendGap : 0))
        var xValues: [Double] = []
        var xLabels: [String] = []
        var xLabelWidth = 0.0
        var count = max(2, Int((plotRight - plotLeft) / 40) + 1)
        while true {
            xValues = chart.xAxis.ticks(maximumCount: count)
            let step = Self.step(of: xValues)
            xLabels = xValues.map { chart.xAxis.tickLabel($0, step: step) }
            xLabelWidth = xLabels.map { TextMetrics.width($0, fontSize: Self.tickFontSize) }.max() ?? 0
            let spacing = (plotRight - plotLeft) / Double(max(xValues.count - 1, 1))
            if xValues.count <= 2 || count <= 2 || xLabelWidth + 8 <= spacing { break }
            count -= 1
        }
        if !legendRight { plotRight = max(plotLeft + 1, width - pad - xLabelWidth / 2) }

        scale = PlotScale(
            left: plotLeft, top: plotTop, width: plotRight - plotLeft, height: plotHeight,
            xRange: xRange, yRange: yRange)
        let scale = scale
        xTicks = zip(xValues, xLabels).map { Tick(value: $0, position: scale.x($0), label: $1) }
        yTicks = zip(yValues, yLabels).map { Tick(value: $0, position: scale.y($0), label: $1) }

        xTitleLines = xTitleTexts.enumerated().map { index, text in
            TextLine(
                text: text, x: (plotLeft + plotRight) / 2,
                y: plotBottom + xTickBlock + 8 + Self.axisTitleFontSize * 0.8 + Double(index)
                    * titleLineHeight)
        }
        yTitleLines = yTitleTexts.enumerated().map { index, text in
            TextLine(
                text: text, x: pad + Self.axisTitleFontSize * 0.8 + Double(index) * titleLineHeight,
                y: (plotTop + plotBottom) / 2)
        }

        if legendRight {
            let x = plotRight + Self.legendGap
            legend = zip(drawnSeries, labels).enumerated().map { row, entry in
                LegendSlot(
                    seriesIndex: entry.0, label: entry.1, x: x,
                    y: plotTop + Self.legendRowHeight * (Double(row) + 0.5))
            }
        } else if !labels.isEmpty {
            let top = plotBottom + axisBlock + 6
            let totalWidth =
                Double(legendColumns) * entryWidth + Double(legendColumns - 1) * Self.legendColumnGap
            let left = max(pad, min(plotLeft, width - pad - totalWidth))
            legend = zip(drawnSeries, labels).enumerated().map { index, entry in
                let column = index % legendColumns
                let row = index / legendColumns
                return LegendSlot(
                    seriesIndex: entry.0, label: entry.1,
                    x: left + Double(column) * (entryWidth + Self.legendColumnGap),
                    y: top + Self.legendRowHeight * (Double(row) + 0.5))
            }
        }

        var noteY = plotBottom + axisBlock + legendBlock + 8
        for text in notes {
            noteLines.append(TextLine(text: text, x: pad, y: noteY + Self.noteFontSize * 0.85))
            noteY += noteLineHeight
        }
    }

    /// `text` wrapped to `maximumWidth`, the last allowed line shortened with `…` if more remain.
    private static func wrap(_ text: String, fontSize: Double, maximumWidth: Double, maximumLines: Int)
        -> [String]
    {
        let lines = TextMetrics.wrap(text, fontSize: fontSize, maximumWidth: maximumWidth)
        guard lines.count > maximumLines else { return lines }
        let rest = lines[(maximumLines - 1)...].joined(separator: " ")
        return lines.prefix(maximumLines - 1)
            + [TextMetrics.truncate(rest, fontSize: fontSize, maximumWidth: maximumWidth)]
    }

    /// The spacing of evenly spaced `ticks` (1 when there are fewer than two).
    private static func step(of ticks: [Double]) -> Double {
        ticks.count > 1 ? ticks[1] - ticks[0] : 1
    }
}
