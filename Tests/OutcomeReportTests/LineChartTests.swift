import Foundation
import Testing

@testable import OutcomeReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a parsed SVG document: name, attributes and its direct text.
private struct ParsedElement {
    var name: String
    var attributes: [String: String]
    /// The index of the enclosing element in the collected list.
    var parent: Int?
    var text = ""

    var classes: [Substring] { (attributes["class"] ?? "").split(separator: " ") }
}

/// Collects every element of a document in document order.
private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [ParsedElement] = []
    private var open: [Int] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(ParsedElement(name: elementName, attributes: attributeDict, parent: open.last))
        open.append(elements.count - 1)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = open.last { elements[current].text += string }
    }
}

/// The document's elements, or `nil` when it is not well-formed XML.
private func parse(_ document: String) -> [ParsedElement]? {
    let parser = XMLParser(data: Data(document.utf8))
    let collector = ElementCollector()
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
}

private func elements(_ all: [ParsedElement], class name: String) -> [ParsedElement] {
    all.filter { $0.classes.contains(Substring(name)) }
}

/// The command letters of SVG path data, e.g. `["M", "H", "V"]`.
private func commands(_ pathData: String) -> [Character] {
    pathData.filter { $0.isLetter }.map { $0 }
}

private let painAxis = ChartAxis(label: "Mean pain (NRS 0–10)", minimum: 0, maximum: 10)
private let sessionAxis = ChartAxis(label: "Session number", minimum: 1, maximum: 12, format: .integer)

private func line(_ values: [Double], from x: Double = 1) -> [ChartPoint] {
    values.enumerated().map { ChartPoint(x: x + Double($0.offset), y: $0.element) }
}

private func sampleChart() -> LineChart {
    let banded = ChartSeries(
        name: "Deep tissue", points: line([7, 6, 5.5, 5]),
        band: line([7, 6, 5.5, 5]).map { ChartBand(x: $0.x, low: $0.y - 0.5, high: $0.y + 0.5) })
    let plain = ChartSeries(name: "Swedish", points: line([6.5, 6, 5, 4.5]), showsMarkers: true)
    let alsoBanded = ChartSeries(
        name: "Mixed", points: line([6, 5, 4]),
        band: [
            ChartBand(x: 1, low: 5, high: 7), ChartBand(x: 2, low: 4, high: 6),
            ChartBand(x: 3, low: 3, high: 5),
        ])
    return LineChart(
        title: "Mean pain by session", subtitle: "95% confidence bands", xAxis: sessionAxis, yAxis: painAxis,
        series: [banded, plain, alsoBanded], notes: ["Not drawn (fewer than 11 courses): hot_stone"])
}

@Test func documentIsWellFormedStandaloneSVG() throws {
    let document = sampleChart().svg()
    #expect(document.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\""))
    let all = try #require(parse(document))
    let root = try #require(all.first)
    #expect(root.name == "svg")
    #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(root.attributes["width"] == "760")
    #expect(root.attributes["height"] == "460")
    #expect(root.attributes["viewBox"] == "0 0 760 460")
    #expect(root.attributes["role"] == "img")
    #expect(root.attributes["font-family"] == "DejaVu Sans, Helvetica, Arial, sans-serif")
    #expect(all.first { $0.name == "title" }?.text == "Mean pain by session")
    #expect(all.first { $0.name == "desc" }?.text.contains("Deep tissue, Swedish, Mixed") == true)
    #expect(elements(all, class: "background").first?.attributes["fill"] == "#ffffff")
}

@Test func documentShowsTitleAxesLegendSeriesBandsAndNotes() throws {
    let all = try #require(parse(sampleChart().svg()))
    #expect(elements(all, class: "chart-title").map(\.text) == ["Mean pain by session"])
    #expect(elements(all, class: "chart-subtitle").map(\.text) == ["95% confidence bands"])
    #expect(elements(all, class: "x-axis-title").map(\.text) == ["Session number"])
    let yTitle = try #require(elements(all, class: "y-axis-title").first)
    #expect(yTitle.text == "Mean pain (NRS 0–10)")
    #expect(yTitle.attributes["transform"]?.hasPrefix("rotate(-90") == true)

    let legend = elements(all, class: "legend-entry")
    #expect(legend.count == 3)
    let legendTexts = all.filter { $0.name == "text" && !$0.text.isEmpty }.map(\.text)
    for name in ["Deep tissue", "Swedish", "Mixed"] { #expect(legendTexts.contains(name)) }

    let lines = elements(all, class: "series-line")
    #expect(lines.count == 3)
    #expect(Set(lines.compactMap { $0.attributes["stroke"] }).count == 3)
    let bands = elements(all, class: "band")
    #expect(bands.count == 2)
    #expect(bands.allSatisfy { $0.attributes["d"]?.hasSuffix("Z") == true })
    #expect(
        bands.map { $0.attributes["fill"] } == [lines[0].attributes["stroke"], lines[2].attributes["stroke"]])

    #expect(elements(all, class: "note").map(\.text) == ["Not drawn (fewer than 11 courses): hot_stone"])
    // Swedish's markers: one group for the series inside the markers group, one shape per point.
    let markers = try #require(all.firstIndex { $0.classes.contains("markers") })
    let groups = all.indices.filter { all[$0].parent == markers }
    #expect(groups.count == 1)
    #expect(all.filter { $0.parent == groups.first }.count == 4)
}

@Test func drawingIsClippedToThePlot() throws {
    let all = try #require(parse(sampleChart().svg()))
    let clipIDs = Set(all.filter { $0.name == "clipPath" }.compactMap { $0.attributes["id"] })
    let clipped = all.compactMap { $0.attributes["clip-path"] }
    #expect(!clipped.isEmpty)
    for reference in clipped {
        #expect(reference.hasPrefix("url(#") && clipIDs.contains(String(reference.dropFirst(5).dropLast())))
    }
    #expect(elements(all, class: "bands").first?.attributes["clip-path"] == "url(#plot-clip)")
    #expect(elements(all, class: "series").first?.attributes["clip-path"] != nil)
}

@Test func seriesNamesAndTitlesAreEscaped() throws {
    let chart = LineChart(
        title: "Pain \"by\" 'session' & more", xAxis: sessionAxis, yAxis: painAxis,
        series: [ChartSeries(name: "A&B <x>", points: line([5, 4]))], notes: ["x < y & z"])
    let document = chart.svg()
    #expect(document.contains("A&amp;B &lt;x&gt;"))
    #expect(document.contains("Pain &quot;by&quot; &apos;session&apos; &amp; more"))
    #expect(!document.contains("A&B"))
    let all = try #require(parse(document))
    #expect(all.contains { $0.name == "text" && $0.text == "A&B <x>" })
    #expect(all.first { $0.name == "title" }?.text == "Pain \"by\" 'session' & more")
    #expect(elements(all, class: "note").first?.text == "x < y & z")
    #expect(SVGWriter.escape("a\u{1}b\nc") == "ab c")
}

@Test func nonFiniteValuesBreakTheLine() throws {
    let chart = LineChart(
        title: "Gaps", xAxis: sessionAxis, yAxis: painAxis,
        series: [
            ChartSeries(name: "Two runs", points: line([6, 5, .nan, 4, 3])),
            ChartSeries(name: "Lone point", points: line([6, .infinity, 5, 4])),
        ])
    let all = try #require(parse(chart.svg()))
    let paths = elements(all, class: "series-line").compactMap { $0.attributes["d"] }
    #expect(paths.count == 2)
    #expect(commands(paths[0]) == ["M", "L", "M", "L"])
    #expect(commands(paths[1]) == ["M", "L"])
    #expect(!paths.joined().lowercased().contains("nan"))
    // The isolated point at session 1 of the second series still shows, as a marker.
    #expect(elements(all, class: "markers").count == 1)
}

@Test func stepInterpolationGoesAcrossThenDown() throws {
    let points = [ChartPoint(x: 0, y: 1), ChartPoint(x: 2, y: 0.8), ChartPoint(x: 5, y: 0.5)]
    let chart = LineChart(
        title: "Kaplan–Meier", xAxis: ChartAxis(label: "Session number", minimum: 0, maximum: 10),
        yAxis: ChartAxis(label: "Proportion not yet responded", minimum: 0, maximum: 1),
        series: [
            ChartSeries(
                name: "Swedish", points: points,
                band: [ChartBand(x: 0, low: 1, high: 1), ChartBand(x: 2, low: 0.7, high: 0.9)],
                interpolation: .step, censorMarks: [3, 20])
        ])
    let all = try #require(parse(chart.svg()))
    let data = try #require(elements(all, class: "series-line").first?.attributes["d"])
    #expect(commands(data) == ["M", "H", "V", "H", "V"])
    // Each H moves to the next point's x at the previous y; each V then drops to the new y.
    let scale = ChartLayout(chart: chart, drawnSeries: [0]).scale
    let n = SVGWriter.number
    #expect(
        data
            == "M \(n(scale.x(0))) \(n(scale.y(1))) H \(n(scale.x(2))) V \(n(scale.y(0.8)))"
            + " H \(n(scale.x(5))) V \(n(scale.y(0.5)))")
    let band = try #require(elements(all, class: "band").first?.attributes["d"])
    #expect(commands(band) == ["M", "H", "V", "V", "V", "H", "Z"])
    // One censoring tick: x = 3 is on the curve (at y = 0.8), x = 20 is past its end.
    let group = try #require(all.firstIndex { $0.classes.contains("censor-marks") })
    #expect(all[group + 1].attributes["d"] == "M \(n(scale.x(3))) \(n(scale.y(0.8) - 4)) v 8")
    #expect(SeriesPath.value(at: 3, of: points, interpolation: .step) == 0.8)
    #expect(SeriesPath.value(at: 1, of: points, interpolation: .linear) == 0.9)
    #expect(SeriesPath.value(at: 20, of: points, interpolation: .step) == nil)
}

@Test func renderingIsDeterministic() {
    let chart = sampleChart()
    #expect(chart.svg() == chart.svg())
    #expect(sampleChart().svg() == chart.svg())
}

@Test func emptyChartStillShowsAxesAndAMessage() throws {
    let chart = LineChart(
        title: "Nothing", xAxis: sessionAxis, yAxis: painAxis,
        series: [ChartSeries(name: "All missing", points: [ChartPoint(x: 1, y: .nan)])],
        notes: ["Not drawn (fewer than 11 courses): swedish"])
    #expect(chart.drawnSeriesIndexes.isEmpty)
    let all = try #require(parse(chart.svg()))
    #expect(elements(all, class: "empty-message").map(\.text) == ["No data to show"])
    #expect(elements(all, class: "legend-entry").isEmpty)
    #expect(elements(all, class: "series-line").isEmpty)
    #expect(elements(all, class: "x-axis-title").count == 1)
    #expect(elements(all, class: "tick-labels").count == 1)
    let tickTexts = all.filter { $0.name == "text" }.map(\.text)
    #expect(tickTexts.contains("12") && tickTexts.contains("10"))
}

@Test func legendNeverOverlapsThePlot() throws {
    let names = [
        "Deep tissue", "Swedish", "Neuromuscular", "Myofascial release", "Trigger point", "Hot stone",
        "Sports",
        "Mechanical vibration", "Mixed",
    ]
    var chart = LineChart(
        title: "Nine series", xAxis: sessionAxis, yAxis: painAxis,
        series: names.map { ChartSeries(name: $0, points: line([5, 4, 3])) })
    var layout = ChartLayout(chart: chart, drawnSeries: chart.drawnSeriesIndexes)
    var plotRight = layout.scale.left + layout.scale.width
    #expect(layout.legend.count == 9)
    #expect(layout.legend.allSatisfy { $0.x > plotRight })

    chart.series[0].name = String(repeating: "Very long technique name ", count: 4)
    layout = ChartLayout(chart: chart, drawnSeries: chart.drawnSeriesIndexes)
    plotRight = layout.scale.left + layout.scale.width
    let plotBottom = layout.scale.top + layout.scale.height
    #expect(layout.legend.count == 9)
    let xTitleBaseline = try #require(layout.xTitleLines.last?.y)
    #expect(layout.legend.allSatisfy { $0.y > xTitleBaseline && $0.y < Double(chart.height) })
    #expect(layout.legend[0].label.hasSuffix("…"))
    #expect(layout.xTitleLines.allSatisfy { $0.y > plotBottom })
}

@Test func ninthSeriesIsDashedAndStylesAreStable() {
    #expect(SeriesStyle(index: 0).dashArray == nil)
    #expect(SeriesStyle(index: 7).dashArray == nil)
    #expect(SeriesStyle(index: 8).dashArray != nil)
    #expect(SeriesStyle(index: 8).color == SeriesStyle(index: 0).color)
    #expect(SeriesStyle(index: 8).marker != SeriesStyle(index: 0).marker)
    #expect(Set((0..<8).map { SeriesStyle(index: $0).color }).count == 8)
    let chart = LineChart(
        title: "Stable", xAxis: sessionAxis, yAxis: painAxis,
        series: [ChartSeries(name: "Sports", points: line([5, 4]), styleIndex: 6)])
    #expect(chart.style(ofSeries: 0) == SeriesStyle(index: 6))
}

@Test func niceTicksForTypicalRanges() {
    #expect(NiceTicks.values(lower: 0, upper: 10, maximumCount: 6) == [0, 2, 4, 6, 8, 10])
    #expect(NiceTicks.values(lower: 0, upper: 10, maximumCount: 11) == Array(0...10).map(Double.init))
    #expect(NiceTicks.values(lower: 0, upper: 1, maximumCount: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(NiceTicks.values(lower: 0, upper: 1, maximumCount: 5) == [0, 0.25, 0.5, 0.75, 1])
    #expect(
        NiceTicks.values(lower: 1, upper: 12, maximumCount: 12, integerOnly: true)
            == Array(1...12).map(Double.init))
    #expect(
        NiceTicks.values(lower: 1, upper: 12, maximumCount: 6, integerOnly: true) == [2, 4, 6, 8, 10, 12])
    #expect(NiceTicks.values(lower: 0, upper: 3, maximumCount: 20, integerOnly: true) == [0, 1, 2, 3])
    #expect(NiceTicks.values(lower: 0, upper: 4, maximumCount: 10) == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])
}

@Test func axisTicksAndLabels() {
    let percent = ChartAxis(label: "Responders (%)", minimum: 0, maximum: 1, format: .percent)
    let ticks = percent.ticks(maximumCount: 6)
    #expect(ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(ticks.map { percent.tickLabel($0, step: 0.2) } == ["0%", "20%", "40%", "60%", "80%", "100%"])
    #expect(percent.tickLabel(0.125, step: 0.025) == "12.5%")

    let sessions = ChartAxis(label: "Session number", minimum: 1, maximum: 12, tickStep: 1, format: .integer)
    #expect(sessions.ticks(maximumCount: 3) == Array(1...12).map(Double.init))
    #expect(sessions.ticks(maximumCount: 3).map { sessions.tickLabel($0, step: 1) }.last == "12")

    let pain = ChartAxis(label: "Pain", minimum: 0, maximum: 10)
    #expect(
        pain.ticks(maximumCount: 6).map { pain.tickLabel($0, step: 2) } == ["0", "2", "4", "6", "8", "10"])
    let doses = ChartAxis(label: "Doses", minimum: 0, maximum: 4)
    #expect(doses.tickLabel(1.5, step: 0.5) == "1.5")
    #expect(doses.tickLabel(2, step: 0.5) == "2.0")
    #expect(
        ChartAxis(label: "", minimum: 0, maximum: 1, format: .decimal(2)).tickLabel(0.5, step: 0.1) == "0.50")

    #expect(ChartAxis(label: "", minimum: 3, maximum: 3).drawnRange == (2, 4))
    #expect(ChartAxis(label: "", minimum: 5, maximum: 1).drawnRange == (1, 5))
    #expect(ChartAxis(label: "", minimum: .nan, maximum: 1).drawnRange == (0, 1))
}

@Test func numbersAreFixedAndNeverNegativeZero() {
    #expect(DecimalFormat.fixed(2.5, places: 2) == "2.50")
    #expect(DecimalFormat.fixed(-0.001, places: 2) == "0.00")
    #expect(DecimalFormat.fixed(-1.005, places: 1) == "-1.0")
    #expect(DecimalFormat.fixed(1234.5678, places: 2) == "1234.57")
    #expect(DecimalFormat.compact(12.5) == "12.5")
    #expect(DecimalFormat.compact(-0.004) == "0")
    #expect(DecimalFormat.compact(3) == "3")
    #expect(DecimalFormat.compact(.nan) == "0")
    #expect(DecimalFormat.compact(1e300) == "10000000000000")

    let chart = LineChart(
        title: "Wild values", xAxis: ChartAxis(label: "x", minimum: -1, maximum: 1),
        yAxis: ChartAxis(label: "y", minimum: -0.001, maximum: 0.001),
        series: [ChartSeries(name: "s", points: [ChartPoint(x: -1, y: -1e300), ChartPoint(x: 1, y: 1e300)])])
    let document = chart.svg()
    #expect(document.firstMatch(of: /[^0-9.]-0(?![0-9.])/) == nil)
    #expect(!document.lowercased().contains("nan") && !document.lowercased().contains("inf"))
    #expect(parse(document) != nil)
}
