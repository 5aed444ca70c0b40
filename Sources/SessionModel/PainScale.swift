/// The scale a row's pain scores were recorded on.
///
/// Every figure is computed on the NRS 0–10 scale; VAS 0–100 scores are divided by 10.
public enum PainScale: String, CaseIterable, Sendable, Hashable {
    /// Numeric rating scale, 0–10.
    case nrs
    /// Visual analogue scale, 0–100 (millimetres).
    case vas

    /// The largest valid score on this scale.
    public var maximum: Double { self == .nrs ? 10 : 100 }
}
