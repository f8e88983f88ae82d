//! Random Stripe-shaped identifiers: a type prefix, an underscore and 24 base62 characters.

use rand::Rng;
use rand::distr::Alphanumeric;

/// The prefixes Stripe gives each kind of object (test-mode Checkout Sessions carry `cs_test_`).
pub(crate) const SESSION: &str = "cs_test";
pub(crate) const PAYMENT_INTENT: &str = "pi";
pub(crate) const CHARGE: &str = "ch";
pub(crate) const REFUND: &str = "re";
pub(crate) const EVENT: &str = "evt";
pub(crate) const REQUEST: &str = "req";

/// A fresh id such as `pi_3QfZ0aB1c2D3e4F5g6H7i8J9`.
pub(crate) fn new_id(prefix: &str) -> String {
    let tail: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("{prefix}_{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_differ() {
        let id = new_id(SESSION);
        assert!(id.starts_with("cs_test_") && id.len() == "cs_test_".len() + 24);
        assert!(id["cs_test_".len()..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(new_id(SESSION), id);
    }
}
