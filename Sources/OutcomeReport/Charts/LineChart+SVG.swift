extension LineChart {
    /// The message shown in the plot when no series has a finite point.
    static let emptyMessage = "No data to show"

    /// The font stack; generic last so any renderer finds something.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// The indexes of the series that will be drawn: those with at least one finite point.
    var drawnSeriesIndexes: [Int] {
        series.indices.filter { index in
            series[index].points.contains { $0.x.isFinite && $0.y.isFinite }
        }
    }

    /// The chart as a complete standalone SVG 1.1 document (UTF-8, with XML declaration).
    ///
    /// The document has a `<title>` and `<desc>` for screen readers, a white background,
    /// gridlines, tick labels, axis titles, a legend entry per drawn series and the notes.
    /// Bands, lines and markers are clipped to the plot. Elements carry `class` names
    /// (`series-line`, `band`, `legend-entry`, `note`, ...) that tests rely on. Element
    /// ids (`chart-title`, `chart-desc`, `plot-clip`, `line-clip`) are fixed, so inline at
    /// most one such document per HTML page; `<img>` embedding is unaffected.
    func svg() -> String {
        let drawn = drawnSeriesIndexes
        let layout = ChartLayout(chart: self, drawnSeries: drawn)
        let scale = layout.scale
        let n = SVGWriter.number
        var svg = SVGWriter()

        svg.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"),
                ("width", String(max(width, 1))), ("height", String(max(height, 1))),
                ("viewBox", "0 0 \(max(width, 1)) \(max(height, 1))"), ("role", "img"),
                ("aria-labelledby", "chart-title chart-desc"), ("font-family", Self.fontFamily),
                ("font-size", "12"),
            ])
        svg.text("title", [("id", "chart-title")], title)
        svg.text("desc", [("id", "chart-desc")], description(drawn: drawn))

        // The line clip is a little larger than the plot so lines and markers on the
        // edges are not cut in half; bands are clipped exactly.
        let plot = (x: scale.left, y: scale.top, width: scale.width, height: scale.height)
        let margin = 5.0
        svg.open("defs")
        svg.open("clipPath", [("id", "plot-clip")])
        svg.empty(
            "rect",
            [("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height))])
        svg.close("clipPath")
        svg.open("clipPath", [("id", "line-clip")])
        svg.empty(
            "rect",
            [
                ("x", n(plot.x - margin)), ("y", n(plot.y - margin)),
                ("width", n(plot.width + 2 * margin)), ("height", n(plot.height + 2 * margin)),
            ])
        svg.close("clipPath")
        svg.close("defs")

        svg.empty(
            "rect",
            [
                ("class", "background"), ("x", "0"), ("y", "0"), ("width", String(max(width, 1))),
                ("height", String(max(height, 1))), ("fill", "#ffffff"),
            ])

        // Title and subtitle.
        svg.open("g", [("class", "header"), ("fill", "#111111")])
        for line in layout.titleLines {
            svg.text(
                "text",
                [
                    ("class", "chart-title"), ("x", n(line.x)), ("y", n(line.y)),
                    ("font-size", n(ChartLayout.titleFontSize)), ("font-weight", "bold"),
                ], line.text)
        }
        for line in layout.subtitleLines {
            svg.text(
                "text",
                [
                    ("class", "chart-subtitle"), ("x", n(line.x)), ("y", n(line.y)),
                    ("font-size", n(ChartLayout.subtitleFontSize)), ("fill", "#444444"),
                ], line.text)
        }
        svg.close("g")

        // Gridlines.
        svg.open("g", [("class", "grid"), ("stroke", "#e2e2e2"), ("stroke-width", "1")])
        for tick in layout.xTicks {
            svg.empty(
                "line",
                [
                    ("x1", n(tick.position)), ("y1", n(plot.y)), ("x2", n(tick.position)),
                    ("y2", n(plot.y + plot.height)),
                ])
        }
        for tick in layout.yTicks {
            svg.empty(
                "line",
                [
                    ("x1", n(plot.x)), ("y1", n(tick.position)), ("x2", n(plot.x + plot.width)),
                    ("y2", n(tick.position)),
                ])
        }
        svg.close("g")

        writeSeries(to: &svg, drawn: drawn, scale: scale)
        writeAxes(to: &svg, layout: layout)
        writeLegend(to: &svg, layout: layout)

        if !layout.noteLines.isEmpty {
            svg.open(
                "g", [("class", "notes"), ("font-size", n(ChartLayout.noteFontSize)), ("fill", "#444444")])
            for line in layout.noteLines {
                svg.text("text", [("class", "note"), ("x", n(line.x)), ("y", n(line.y))], line.text)
            }
            svg.close("g")
        }

        if drawn.isEmpty {
            svg.text(
                "text",
                [
                    ("class", "empty-message"), ("x", n(plot.x + plot.width / 2)),
                    ("y", n(plot.y + plot.height / 2 + 5)), ("text-anchor", "middle"), ("font-size", "14"),
                    ("fill", "#666666"),
                ], Self.emptyMessage)
        }

        svg.close("svg")
        return svg.document
    }

    /// The style of series `index`: its own ``ChartSeries/styleIndex`` or its position.
    func style(ofSeries index: Int) -> SeriesStyle {
        SeriesStyle(index: series[index].styleIndex ?? index)
    }

    /// A plain-text summary for the `<desc>` element.
    private func description(drawn: [Int]) -> String {
        var parts: [String] = []
        if let subtitle, !subtitle.isEmpty { parts.append(subtitle + ".") }
        parts.append("Line chart of \(yAxis.label) against \(xAxis.label).")
        if drawn.isEmpty {
            parts.append(Self.emptyMessage + ".")
        } else {
            let names = drawn.map { series[$0].name }.joined(separator: ", ")
            parts.append("\(drawn.count) series: \(names).")
        }
        parts.append(contentsOf: notes)
        return parts.joined(separator: " ")
    }

    /// Bands, then lines, then markers and censoring ticks, all clipped to the plot.
    private func writeSeries(to svg: inout SVGWriter, drawn: [Int], scale: PlotScale) {
        let n = SVGWriter.number
        let banded = drawn.filter { !series[$0].band.isEmpty }
        if !banded.isEmpty {
            svg.open("g", [("class", "bands"), ("clip-path", "url(#plot-clip)"), ("stroke", "none")])
            for index in banded {
                let item = series[index]
                let data = SeriesPath.band(item.band, interpolation: item.interpolation, scale: scale)
                guard !data.isEmpty else { continue }
                svg.empty(
                    "path",
                    [
                        ("class", "band"), ("d", data), ("fill", style(ofSeries: index).color),
                        ("fill-opacity", "0.15"),
                    ])
            }
            svg.close("g")
        }

        guard !drawn.isEmpty else { return }
        svg.open(
            "g",
            [
                ("class", "series"), ("clip-path", "url(#line-clip)"), ("fill", "none"),
                ("stroke-width", "2"),
                ("stroke-linejoin", "round"), ("stroke-linecap", "butt"),
            ])
        var isolatedPoints: [Int: [ChartPoint]] = [:]
        for index in drawn {
            let item = series[index]
            let style = style(ofSeries: index)
            let line = SeriesPath.line(item.points, interpolation: item.interpolation, scale: scale)
            isolatedPoints[index] = line.isolated
            svg.empty(
                "path",
                [
                    ("class", "series-line"), ("d", line.data.isEmpty ? "M 0 0" : line.data),
                    ("stroke", line.data.isEmpty ? "none" : style.color),
                    ("stroke-dasharray", style.dashArray),
                ])
        }
        svg.close("g")

        let marked = drawn.filter { series[$0].showsMarkers || !(isolatedPoints[$0] ?? []).isEmpty }
        if !marked.isEmpty {
            svg.open(
                "g",
                [
                    ("class", "markers"), ("clip-path", "url(#line-clip)"), ("stroke", "#ffffff"),
                    ("stroke-width", "1"),
                ])
            for index in marked {
                let item = series[index]
                let style = style(ofSeries: index)
                let points = item.showsMarkers ? item.points : (isolatedPoints[index] ?? [])
                svg.open("g", [("fill", style.color)])
                for point in points where point.x.isFinite && point.y.isFinite {
                    style.marker.write(to: &svg, x: scale.x(point.x), y: scale.y(point.y), radius: 3.5)
                }
                svg.close("g")
            }
            svg.close("g")
        }

        let censored = drawn.filter { !series[$0].censorMarks.isEmpty }
        if !censored.isEmpty {
            svg.open(
                "g", [("class", "censor-marks"), ("clip-path", "url(#line-clip)"), ("stroke-width", "1.5")])
            for index in censored {
                let item = series[index]
                var data: [String] = []
                for x in item.censorMarks {
                    guard let y = SeriesPath.value(at: x, of: item.points, interpolation: item.interpolation)
                    else { continue }
                    data.append("M \(n(scale.x(x))) \(n(scale.y(y) - 4)) v 8")
                }
                guard !data.isEmpty else { continue }
                svg.empty(
                    "path", [("d", data.joined(separator: " ")), ("stroke", style(ofSeries: index).color)])
            }
            svg.close("g")
        }
    }

    /// Axis lines, tick marks, tick labels and axis titles.
    private func writeAxes(to svg: inout SVGWriter, layout: ChartLayout) {
        let n = SVGWriter.number
        let scale = layout.scale
        let left = scale.left
        let bottom = scale.top + scale.height
        let tick = ChartLayout.tickLength

        svg.open("g", [("class", "axes"), ("stroke", "#333333"), ("stroke-width", "1")])
        svg.empty(
            "line", [("x1", n(left)), ("y1", n(bottom)), ("x2", n(left + scale.width)), ("y2", n(bottom))])
        svg.empty("line", [("x1", n(left)), ("y1", n(scale.top)), ("x2", n(left)), ("y2", n(bottom))])
        for item in layout.xTicks {
            svg.empty(
                "line",
                [
                    ("x1", n(item.position)), ("y1", n(bottom)), ("x2", n(item.position)),
                    ("y2", n(bottom + tick)),
                ])
        }
        for item in layout.yTicks {
            svg.empty(
                "line",
                [("x1", n(left - tick)), ("y1", n(item.position)), ("x2", n(left)), ("y2", n(item.position))])
        }
        svg.close("g")

        let fontSize = ChartLayout.tickFontSize
        svg.open("g", [("class", "tick-labels"), ("font-size", n(fontSize)), ("fill", "#333333")])
        for item in layout.xTicks {
            svg.text(
                "text",
                [
                    ("x", n(item.position)), ("y", n(bottom + tick + 4 + fontSize * 0.8)),
                    ("text-anchor", "middle"),
                ], item.label)
        }
        for item in layout.yTicks {
            svg.text(
                "text",
                [
                    ("x", n(left - tick - 4)), ("y", n(item.position + fontSize * 0.35)),
                    ("text-anchor", "end"),
                ],
                item.label)
        }
        svg.close("g")

        let titleSize = n(ChartLayout.axisTitleFontSize)
        for line in layout.xTitleLines {
            svg.text(
                "text",
                [
                    ("class", "axis-title x-axis-title"), ("x", n(line.x)), ("y", n(line.y)),
                    ("text-anchor", "middle"), ("font-size", titleSize), ("fill", "#111111"),
                ], line.text)
        }
        for line in layout.yTitleLines {
            svg.text(
                "text",
                [
                    ("class", "axis-title y-axis-title"), ("x", n(line.x)), ("y", n(line.y)),
                    ("transform", "rotate(-90 \(n(line.x)) \(n(line.y)))"), ("text-anchor", "middle"),
                    ("font-size", titleSize), ("fill", "#111111"),
                ], line.text)
        }
    }

    /// One entry per drawn series: a swatch (band patch, line sample, marker) and the name.
    private func writeLegend(to svg: inout SVGWriter, layout: ChartLayout) {
        guard !layout.legend.isEmpty else { return }
        let n = SVGWriter.number
        let width = ChartLayout.swatchWidth
        svg.open(
            "g", [("class", "legend"), ("font-size", n(ChartLayout.legendFontSize)), ("fill", "#111111")])
        for slot in layout.legend {
            let item = series[slot.seriesIndex]
            let style = style(ofSeries: slot.seriesIndex)
            svg.open("g", [("class", "legend-entry")])
            if !item.band.isEmpty {
                svg.empty(
                    "rect",
                    [
                        ("x", n(slot.x)), ("y", n(slot.y - 6)), ("width", n(width)), ("height", "12"),
                        ("fill", style.color), ("fill-opacity", "0.15"),
                    ])
            }
            svg.empty(
                "line",
                [
                    ("x1", n(slot.x)), ("y1", n(slot.y)), ("x2", n(slot.x + width)), ("y2", n(slot.y)),
                    ("stroke", style.color), ("stroke-width", "2"), ("stroke-dasharray", style.dashArray),
                ])
            if item.showsMarkers {
                svg.open("g", [("fill", style.color), ("stroke", "#ffffff"), ("stroke-width", "1")])
                style.marker.write(to: &svg, x: slot.x + width / 2, y: slot.y, radius: 3.5)
                svg.close("g")
            }
            svg.text(
                "text",
                [
                    ("x", n(slot.x + width + ChartLayout.swatchGap)),
                    ("y", n(slot.y + ChartLayout.legendFontSize * 0.35)),
                ], slot.label)
            svg.close("g")
        }
        svg.close("g")
    }
}
