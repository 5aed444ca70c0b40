/// One named series of a ``LineChart``: a line, an optional shaded band and optional markers.
///
/// Points and band slices are drawn in the order given, so pass them sorted by `x`.
/// A series with no finite point is not drawn and gets no legend entry. The series'
/// colour, dash pattern and marker shape come from ``styleIndex`` or, when that is
/// `nil`, from the series' position in ``LineChart/series``; pass a fixed `styleIndex`
/// (e.g. the technique's ordinal) to keep colours stable across charts that omit
/// some series.
struct ChartSeries: Sendable, Equatable {
    /// The legend label. Any text is allowed; it is XML-escaped when rendered.
    var name: String
    /// The line's points, in axis units.
    var points: [ChartPoint]
    /// The shaded band (e.g. a 95% confidence interval); empty for none.
    var band: [ChartBand] = []
    /// How points are joined.
    var interpolation: ChartInterpolation = .linear
    /// Whether each finite point gets a marker symbol (isolated points always get one).
    var showsMarkers: Bool = false
    /// The `x` positions of censored observations, drawn as short vertical ticks on the
    /// line (Kaplan–Meier style); empty for none. Positions off the line are skipped.
    var censorMarks: [Double] = []
    /// The palette slot for colour, dash pattern and marker; `nil` uses the series' position.
    var styleIndex: Int? = nil
}
