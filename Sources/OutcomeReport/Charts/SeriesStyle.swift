/// How a series looks: an Okabe–Ito colour, a dash pattern and a marker shape.
///
/// Chosen from a style index so the same index always looks the same. The eight
/// Okabe–Ito colours repeat every eight indexes; each repeat gets a different dash
/// pattern (indexes 8–15 dashed, 16–23 dotted, ...), and marker shapes cycle
/// independently, so up to 32 series stay distinguishable without relying on colour.
struct SeriesStyle: Sendable, Equatable {
    /// The Okabe–Ito palette, ordered so the low-contrast yellow comes last.
    static let palette = [
        "#0072B2",  // blue
        "#D55E00",  // vermillion
        "#009E73",  // bluish green
        "#CC79A7",  // reddish purple
        "#E69F00",  // orange
        "#56B4E9",  // sky blue
        "#000000",  // black
        "#F0E442",  // yellow
    ]

    /// Dash patterns by palette repeat; `nil` is a solid line.
    static let dashPatterns: [String?] = [nil, "7 4", "2 3", "9 3 2 3"]

    /// The stroke and fill colour, e.g. `#0072B2`.
    var color: String
    /// The SVG `stroke-dasharray`, or `nil` for a solid line.
    var dashArray: String?
    /// The marker symbol.
    var marker: MarkerShape

    /// The style for `index`; negative indexes wrap around.
    init(index: Int) {
        let slot = index >= 0 ? index : -(index + 1)
        color = Self.palette[slot % Self.palette.count]
        dashArray = Self.dashPatterns[(slot / Self.palette.count) % Self.dashPatterns.count]
        marker = MarkerShape.allCases[slot % MarkerShape.allCases.count]
    }
}
