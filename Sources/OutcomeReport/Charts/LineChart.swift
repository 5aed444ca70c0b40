/// A line chart — title, axes, series, legend and footnotes — rendered to SVG by ``svg()``.
///
/// A value type with no I/O: build it, call ``svg()``, and write the string yourself.
/// Rendering is deterministic (the same chart gives a byte-identical document) and
/// needs no fonts or plotting tools at run time. Series without a finite point are not
/// drawn; when none is drawn the plot shows "No data to show". Suppressed series are
/// the caller's business: leave them out of ``series`` and say so in ``notes``.
struct LineChart: Sendable, Equatable {
    /// The heading, also the SVG `<title>`.
    var title: String
    /// A smaller line under the title (e.g. the cohort and date range), or `nil`.
    var subtitle: String? = nil
    /// The horizontal axis.
    var xAxis: ChartAxis
    /// The vertical axis.
    var yAxis: ChartAxis
    /// The series, drawn in order (later ones on top) and listed in this order in the legend.
    var series: [ChartSeries]
    /// Footnotes below the plot, one paragraph each, e.g. `Not drawn (fewer than 11 courses): hot_stone`.
    var notes: [String] = []
    /// The document width in pixels.
    var width: Int = 760
    /// The document height in pixels.
    var height: Int = 460
}
