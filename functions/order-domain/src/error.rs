//! The one error type every function returns, named as the contract's `errorType`s.

/// A failure of a workflow step. The variant decides the Lambda `errorType`, which is what the
/// workflow's `ErrorEquals` matches, so these names are a contract (see `docs/contract.md`).
///
/// The `Display` text is the bare message (it becomes the Lambda `errorMessage` and the
/// workflow's `Cause`), e.g. `items[1].qty: must be between 1 and 100`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The request breaks a validation rule; the message names the field.
    #[error("{0}")]
    OrderInvalid(String),
    /// A line cannot be reserved; the message names the sku and why.
    #[error("{0}")]
    OutOfStock(String),
    /// The payment was refused (permanent).
    #[error("{0}")]
    PaymentDeclined(String),
    /// The payment provider is unavailable (transient: the workflow retries).
    #[error("{0}")]
    PaymentProviderUnavailable(String),
    /// The order is not in a status that allows this step; the message names the status.
    #[error("{0}")]
    OrderStateConflict(String),
    /// A dependency (DynamoDB, configuration, a malformed stored item) failed. Not a business
    /// outcome: the workflow treats it like any task failure and retries it.
    #[error("{0}")]
    DependencyFailure(String),
}

impl DomainError {
    /// The Lambda `errorType` for this error.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::OrderInvalid(_) => "OrderInvalid",
            Self::OutOfStock(_) => "OutOfStock",
            Self::PaymentDeclined(_) => "PaymentDeclined",
            Self::PaymentProviderUnavailable(_) => "PaymentProviderUnavailable",
            Self::OrderStateConflict(_) => "OrderStateConflict",
            Self::DependencyFailure(_) => "DependencyFailure",
        }
    }

    /// Wraps any SDK or serialization failure as a dependency failure, keeping its full text
    /// (the SDK's `Display` alone hides the service error code).
    pub fn dependency(context: &str, err: impl std::fmt::Debug) -> Self {
        Self::DependencyFailure(format!("{context}: {err:?}"))
    }

    /// True for the errors the contract lists as business outcomes.
    pub fn is_business(&self) -> bool {
        !matches!(self, Self::DependencyFailure(_))
    }
}

impl From<DomainError> for lambda_runtime::Diagnostic {
    fn from(e: DomainError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: e.error_type().to_string(),
            error_message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DomainError;

    #[test]
    fn error_types_are_the_contract_strings() {
        let cases = [
            (DomainError::OrderInvalid("m".into()), "OrderInvalid"),
            (DomainError::OutOfStock("m".into()), "OutOfStock"),
            (DomainError::PaymentDeclined("m".into()), "PaymentDeclined"),
            (
                DomainError::PaymentProviderUnavailable("m".into()),
                "PaymentProviderUnavailable",
            ),
            (
                DomainError::OrderStateConflict("m".into()),
                "OrderStateConflict",
            ),
            (
                DomainError::DependencyFailure("m".into()),
                "DependencyFailure",
            ),
        ];
        for (err, name) in cases {
            assert_eq!(err.error_type(), name);
            assert_eq!(err.is_business(), name != "DependencyFailure");
            let diag: lambda_runtime::Diagnostic = err.into();
            assert_eq!(diag.error_type, name);
            assert_eq!(diag.error_message, "m");
        }
    }
}
