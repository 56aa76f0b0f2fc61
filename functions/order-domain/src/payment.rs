//! The payment simulator: the contract's rules, as a pure function.

use crate::Money;

/// What the simulated provider says about an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentDecision {
    /// Take the money.
    Charge,
    /// Cents `.13`: refused for good (recorded as a DECLINED payment).
    Decline,
    /// Cents `.66`: the provider is down; nothing is recorded and the caller may retry.
    Unavailable,
}

/// Applies the simulator rules. The Java variant implements the same table.
pub fn decide(amount: Money) -> PaymentDecision {
    match amount.cents() {
        13 => PaymentDecision::Decline,
        66 => PaymentDecision::Unavailable,
        _ => PaymentDecision::Charge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PaymentDecision {
        decide(s.parse().unwrap())
    }

    #[test]
    fn rules_follow_the_cents() {
        assert_eq!(d("10.13"), PaymentDecision::Decline);
        assert_eq!(d("0.13"), PaymentDecision::Decline);
        assert_eq!(d("20.66"), PaymentDecision::Unavailable);
        assert_eq!(d("42.50"), PaymentDecision::Charge);
        assert_eq!(d("13"), PaymentDecision::Charge);
        assert_eq!(d("66.00"), PaymentDecision::Charge);
        assert_eq!(d("1.3"), PaymentDecision::Charge);
    }
}
