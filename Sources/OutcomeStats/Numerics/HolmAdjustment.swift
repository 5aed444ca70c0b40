/// Holm's step-down adjustment of p-values for multiple comparisons.
public enum HolmAdjustment {
    /// Adjusted p-values in the input order: the i-th smallest p is multiplied by (m - i + 1),
    /// made monotone by a running maximum, and capped at 1.
    ///
    /// NaN entries stay NaN and are not counted among the m tests (as R's `p.adjust` does).
    public static func adjust(_ pValues: [Double]) -> [Double] {
        var adjusted = pValues
        let order = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = order.count
        var running = 0.0
        // Ties need no special care: tied values get the larger multiplier first, and the running
        // maximum carries it to the rest, whichever way the sort orders them.
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
