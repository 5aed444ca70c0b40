#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Allocation-free conversions from a field's bytes to typed values.
enum FieldParsers {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A plain decimal number: optional sign, digits, at most one decimal separator (`.`,
    /// or also `,` when `decimalComma`), no exponent, no thousands separators.
    ///
    /// The result is the correctly rounded double, as `strtod` would give: mantissas below
    /// 2^53 with at most 22 decimals are exact quotients of exact doubles; anything longer
    /// goes through `strtod`.
    @inline(__always)
    static func decimal(_ field: UnsafeRawBufferPointer, decimalComma: Bool) -> Double? {
        let bytes = ASCII.trimmed(field)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        // The common case first, in a tight loop: no sign, at most 15 digits (so the
        // mantissa is exact), which gives what the general loop below gives.
        let count = bytes.count
        if count <= 16 {
            var mantissa: UInt64 = 0
            var separator = -1
            var index = 0
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                let digit = byte &- UInt8(ascii: "0")
                if digit < 10 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                } else if separator < 0
                    && (byte == UInt8(ascii: ".") || (decimalComma && byte == UInt8(ascii: ",")))
                {
                    separator = index
                } else {
                    break
                }
                index &+= 1
            }
            let digits = separator < 0 ? count : count &- 1
            if index == count && digits > 0 && digits <= 15 {
                return quotient(mantissa, decimals: separator < 0 ? 0 : count &- separator &- 1)
            }
        }
        return generalDecimal(bytes, decimalComma: decimalComma)
    }

    /// `mantissa` (below 2^53) divided by 10^`decimals` (at most 22), correctly rounded:
    /// both are exact doubles, so one division is.
    @inline(__always)
    private static func quotient(_ mantissa: UInt64, decimals: Int) -> Double {
        switch decimals {
        case 0: Double(mantissa)
        case 1: Double(mantissa) / 10
        case 2: Double(mantissa) / 100
        default: Double(mantissa) / powersOfTen[decimals]
        }
    }

    /// ``decimal(_:decimalComma:)`` for any trimmed, non-empty field.
    private static func generalDecimal(_ bytes: UnsafeRawBufferPointer, decimalComma: Bool) -> Double? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        let first = base.load(as: UInt8.self)
        let negative = first == UInt8(ascii: "-")
        if negative || first == UInt8(ascii: "+") { index = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var separator = -1
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                digits += 1
                if mantissa > 0 || digit != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
            } else if separator < 0
                && (byte == UInt8(ascii: ".") || (decimalComma && byte == UInt8(ascii: ",")))
            {
                separator = index
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        let decimals = separator < 0 ? 0 : count - separator - 1
        if significant <= 15 && decimals <= 22 {
            let magnitude = quotient(mantissa, decimals: decimals)
            return negative ? -magnitude : magnitude
        }
        var text = [CChar](repeating: 0, count: count + 1)
        for position in 0..<count {
            let byte = bytes[position]
            text[position] = CChar(bitPattern: byte == UInt8(ascii: ",") ? UInt8(ascii: ".") : byte)
        }
        return strtod(text, nil)
    }

    /// A whole number written with digits only (an optional leading `+`), at most 9 digits.
    static func integer(_ field: UnsafeRawBufferPointer) -> Int? {
        let bytes = ASCII.trimmed(field)
        var index = 0
        if bytes.count > 0 && bytes[0] == UInt8(ascii: "+") { index = 1 }
        guard index < bytes.count, bytes.count - index <= 9 else { return nil }
        var value = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    /// True when the field is empty after trimming.
    @inline(__always)
    static func isBlank(_ field: UnsafeRawBufferPointer) -> Bool { ASCII.trimmed(field).isEmpty }
}
