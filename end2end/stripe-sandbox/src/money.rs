//! Amounts in minor units as people read them: `$25.00`, `€9.50`, `¥500`, `25.00 CHF`.

/// Currencies whose amounts Stripe counts in whole units (`unit_amount=500` is ¥500).
const ZERO_DECIMAL: [&str; 16] = [
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
];
/// Currencies whose amounts Stripe counts in thousandths.
const THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];

/// `amount` (minor units of `currency`, lower-case ISO code) formatted for display.
pub(crate) fn format(amount: i64, currency: &str) -> String {
    let decimals: u32 = if ZERO_DECIMAL.contains(&currency) {
        0
    } else if THREE_DECIMAL.contains(&currency) {
        3
    } else {
        2
    };
    let sign = if amount < 0 { "-" } else { "" };
    let unit = 10_u64.pow(decimals);
    let magnitude = amount.unsigned_abs();
    let number = if decimals == 0 {
        magnitude.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            magnitude / unit,
            magnitude % unit,
            width = decimals as usize
        )
    };
    match currency {
        "usd" => format!("{sign}${number}"),
        "eur" => format!("{sign}€{number}"),
        "gbp" => format!("{sign}£{number}"),
        "jpy" => format!("{sign}¥{number}"),
        other => format!("{sign}{number} {}", other.to_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_the_currency() {
        assert_eq!(format(2500, "usd"), "$25.00");
        assert_eq!(format(950, "eur"), "€9.50");
        assert_eq!(format(5, "gbp"), "£0.05");
        assert_eq!(format(500, "jpy"), "¥500");
        assert_eq!(format(1234, "chf"), "12.34 CHF");
        assert_eq!(format(1500, "kwd"), "1.500 KWD");
        assert_eq!(format(-100, "usd"), "-$1.00");
    }
}
