//! The order status machine from the contract.

use serde::{Deserialize, Serialize};

/// Where an order is in its life. Stored as the `status` attribute (upper-case strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Accepted by the API, workflow not yet past validation.
    Pending,
    /// validate-order accepted the request.
    Validated,
    /// reserve-inventory took the stock.
    Reserved,
    /// charge-payment took the money.
    Charged,
    /// confirm-order finished the order (terminal).
    Confirmed,
    /// The workflow failed and compensated (terminal).
    Failed,
    /// The cleanup job found it PENDING for too long (terminal).
    Expired,
}

impl OrderStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 7] = [
        Self::Pending,
        Self::Validated,
        Self::Reserved,
        Self::Charged,
        Self::Confirmed,
        Self::Failed,
        Self::Expired,
    ];

    /// The stored string, e.g. `"PENDING"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Validated => "VALIDATED",
            Self::Reserved => "RESERVED",
            Self::Charged => "CHARGED",
            Self::Confirmed => "CONFIRMED",
            Self::Failed => "FAILED",
            Self::Expired => "EXPIRED",
        }
    }

    /// Parses the stored string; `None` for anything the contract does not name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// True when the contract allows moving from `self` to `next`.
    ///
    /// The happy path is strictly forward; any non-terminal state may fail; only a PENDING
    /// order may expire (once the workflow has validated it, the workflow owns it).
    pub fn can_transition_to(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Pending, Validated)
                | (Validated, Reserved)
                | (Reserved, Charged)
                | (Charged, Confirmed)
                | (Pending | Validated | Reserved | Charged, Failed)
                | (Pending, Expired)
        )
    }

    /// True for states nothing may leave.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Confirmed | Self::Failed | Self::Expired)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn legal_transitions_are_exactly_the_contract() {
        let legal = [
            (Pending, Validated),
            (Validated, Reserved),
            (Reserved, Charged),
            (Charged, Confirmed),
            (Pending, Failed),
            (Validated, Failed),
            (Reserved, Failed),
            (Charged, Failed),
            (Pending, Expired),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn terminal_states_have_no_exit() {
        for from in OrderStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert!(OrderStatus::ALL
                .iter()
                .all(|to| !from.can_transition_to(*to)));
        }
    }

    #[test]
    fn strings_round_trip_through_serde_and_parse() {
        for st in OrderStatus::ALL {
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
            assert_eq!(OrderStatus::parse(st.as_str()), Some(st));
        }
        assert_eq!(OrderStatus::parse("pending"), None);
    }
}
