//! Prices and payments: an amount in the currency's minor unit (cents for
//! USD, yen for JPY) with its lower-case ISO 4217 code, as Stripe and the
//! REST API write money, parsed from what a host types and shown the way
//! people read prices.
use serde::{Deserialize, Serialize};

/// The currencies a price may be in: Stripe's presentment currencies that
/// hosts most ask for, each with its minor-unit exponent, sign and name.
const CURRENCIES: &[(&str, u32, &str, &str)] = &[
    ("usd", 2, "$", "USD – US dollar"),
    ("eur", 2, "€", "EUR – Euro"),
    ("gbp", 2, "£", "GBP – Pound sterling"),
    ("cad", 2, "CA$", "CAD – Canadian dollar"),
    ("aud", 2, "A$", "AUD – Australian dollar"),
    ("nzd", 2, "NZ$", "NZD – New Zealand dollar"),
    ("chf", 2, "CHF ", "CHF – Swiss franc"),
    ("sek", 2, "SEK ", "SEK – Swedish krona"),
    ("nok", 2, "NOK ", "NOK – Norwegian krone"),
    ("dkk", 2, "DKK ", "DKK – Danish krone"),
    ("pln", 2, "PLN ", "PLN – Polish złoty"),
    ("czk", 2, "CZK ", "CZK – Czech koruna"),
    ("sgd", 2, "S$", "SGD – Singapore dollar"),
    ("hkd", 2, "HK$", "HKD – Hong Kong dollar"),
    ("inr", 2, "₹", "INR – Indian rupee"),
    ("mxn", 2, "MX$", "MXN – Mexican peso"),
    ("brl", 2, "R$", "BRL – Brazilian real"),
    ("zar", 2, "ZAR ", "ZAR – South African rand"),
    ("jpy", 0, "¥", "JPY – Japanese yen"),
];

/// Stripe's smallest charge is about half a dollar; 50 minor units of any
/// listed currency is at or above it except for the few it counts higher,
/// which Stripe then refuses with a clear message of its own.
const MIN_AMOUNT: i64 = 50;
/// Stripe's largest amount for one charge: eight digits.
const MAX_AMOUNT: i64 = 99_999_999;

/// A supported currency: its place in the list, written as its lower-case
/// ISO 4217 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(usize);

impl Currency {
    pub const USD: Currency = Currency(0);

    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_lowercase();
        CURRENCIES
            .iter()
            .position(|(c, ..)| *c == code)
            .map(Self)
            .ok_or_else(|| "Choose one of the listed currencies.".to_owned())
    }

    pub fn all() -> impl Iterator<Item = Currency> {
        (0..CURRENCIES.len()).map(Self)
    }

    /// Lower-case ISO 4217, as Stripe and the API write it.
    pub fn code(self) -> &'static str {
        self.entry().0
    }

    /// How a currency list shows it: `USD ($)`.
    pub fn label(self) -> &'static str {
        self.entry().3
    }

    /// Digits after the decimal point: 2 for USD, 0 for JPY.
    pub fn exponent(self) -> u32 {
        self.entry().1
    }

    fn sign(self) -> &'static str {
        self.entry().2
    }

    fn entry(self) -> &'static (&'static str, u32, &'static str, &'static str) {
        CURRENCIES.get(self.0).unwrap_or(&CURRENCIES[0])
    }
}

impl TryFrom<String> for Currency {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code().to_owned()
    }
}

/// An amount of money in the minor unit of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// A price as a host types it, in major units: `50`, `49.90`, `1,250.00`.
    pub fn parse_price(raw: &str, currency: Currency) -> Result<Self, String> {
        let cleaned: String = raw.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
        let exponent = currency.exponent();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        let bad = || {
            if exponent == 0 {
                format!(
                    "Enter a whole amount, such as 5000 ({}).",
                    currency.code().to_uppercase()
                )
            } else {
                "Enter an amount such as 50 or 49.90.".to_owned()
            }
        };
        if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > exponent as usize {
            return Err(bad());
        }
        let scale = 10_i64.pow(exponent);
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        let minor = whole
            .parse::<i64>()
            .ok()
            .and_then(|w| w.checked_mul(scale))
            .and_then(|w| w.checked_add(padded.parse::<i64>().unwrap_or(0)))
            .ok_or_else(bad)?;
        let money = Self::new(minor, currency);
        if minor < MIN_AMOUNT {
            return Err(format!("Charge at least {}.", Self::new(MIN_AMOUNT, currency)));
        }
        if minor > MAX_AMOUNT {
            return Err(format!("Charge at most {}.", Self::new(MAX_AMOUNT, currency)));
        }
        Ok(money)
    }

    /// The amount in major units without a sign, as a price field shows it.
    pub fn major_units(self) -> String {
        let exponent = self.currency.exponent();
        if exponent == 0 {
            return self.amount.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!(
            "{}.{:0width$}",
            self.amount / scale,
            (self.amount % scale).abs(),
            width = exponent as usize
        )
    }
}

impl std::fmt::Display for Money {
    /// `$49.90`, `€12.00`, `¥5000`, `SEK 120.00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.currency.sign(), self.major_units())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpy() -> Currency {
        Currency::parse("JPY").unwrap()
    }

    #[test]
    fn prices_are_read_in_major_units_and_kept_in_minor_units() {
        assert_eq!(Money::parse_price("50", Currency::USD).unwrap().amount, 5_000);
        assert_eq!(Money::parse_price("49.9", Currency::USD).unwrap().amount, 4_990);
        assert_eq!(Money::parse_price(" 1,250.05 ", Currency::USD).unwrap().amount, 125_005);
        assert_eq!(Money::parse_price("5000", jpy()).unwrap().amount, 5_000);
    }

    #[test]
    fn a_price_that_is_not_one_is_refused_with_a_reason() {
        for bad in ["", "abc", "-5", "4.999", "1.2.3", ".50", "99999999999999999999"] {
            assert!(Money::parse_price(bad, Currency::USD).is_err(), "{bad:?}");
        }
        assert!(Money::parse_price("50.5", jpy()).unwrap_err().contains("whole amount"));
        assert_eq!(
            Money::parse_price("0.10", Currency::USD).unwrap_err(),
            "Charge at least $0.50."
        );
        assert!(Money::parse_price("1000000", Currency::USD).is_err());
    }

    #[test]
    fn money_reads_the_way_prices_are_written() {
        assert_eq!(Money::new(4_990, Currency::USD).to_string(), "$49.90");
        assert_eq!(Money::new(5, Currency::USD).to_string(), "$0.05");
        assert_eq!(Money::new(5_000, jpy()).to_string(), "¥5000");
        assert_eq!(
            Money::new(12_000, Currency::parse("sek").unwrap()).to_string(),
            "SEK 120.00"
        );
    }

    #[test]
    fn only_listed_currencies_parse_and_they_travel_in_lower_case() {
        assert_eq!(Currency::parse(" EUR ").unwrap().code(), "eur");
        assert!(Currency::parse("xyz").is_err());
        assert_eq!(serde_json::to_string(&Currency::USD).unwrap(), "\"usd\"");
        assert_eq!(serde_json::from_str::<Currency>("\"gbp\"").unwrap().code(), "gbp");
    }
}
