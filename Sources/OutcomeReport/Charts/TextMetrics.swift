/// Rough text widths for layout, since the renderer cannot measure fonts.
///
/// Widths are per-character estimates for DejaVu Sans, the widest font in the stack,
/// so text set in Helvetica or Arial only comes out narrower. Good enough to keep
/// labels apart; not exact.
enum TextMetrics {
    /// The estimated width of `text` at `fontSize`, in pixels.
    static func width(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            ems += emWidth(scalar)
        }
        return ems * fontSize
    }

    /// `text` broken at spaces into lines no wider than `maximumWidth` where possible.
    ///
    /// A single word wider than the limit gets a line of its own. Empty text gives no lines.
    static func wrap(_ text: String, fontSize: Double, maximumWidth: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || width(candidate, fontSize: fontSize) <= maximumWidth {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `text`, shortened with a trailing `…` if it is wider than `maximumWidth`.
    static func truncate(_ text: String, fontSize: Double, maximumWidth: Double) -> String {
        guard width(text, fontSize: fontSize) > maximumWidth else { return text }
        var characters = Array(text)
        while !characters.isEmpty, width(String(characters) + "…", fontSize: fontSize) > maximumWidth {
            characters.removeLast()
        }
        while characters.last == " " { characters.removeLast() }
        return String(characters) + "…"
    }

    private static func emWidth(_ scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case "i", "j", "l", "'", "|", "!", ".", ",", ":", ";": 0.32
        case " ", "f", "t", "r", "(", ")", "[", "]", "-", "I", "/": 0.42
        case "m", "w", "M", "W", "%", "@": 0.95
        case "A"..."Z", "&", "#", "_": 0.74
        case "0"..."9", "a"..."z", "+", "<", ">", "=", "$", "?", "~": 0.63
        default: scalar.value < 0x80 ? 0.6 : 0.8
        }
    }
}
