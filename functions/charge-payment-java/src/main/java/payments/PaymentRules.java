package payments;

import java.math.BigDecimal;

/**
 * The simulated payment provider (docs/contract.md, "Payment simulator rules"; identical to the
 * Rust charge-payment). Deterministic on purpose so the decline and the transient failure are
 * easy to reach from the API: cents {@code .13} decline, cents {@code .66} fail transiently.
 */
public final class PaymentRules {
    /** What the provider answers for an amount. */
    public enum Decision {
        /** Permanent: recorded as a DECLINED payment; error type {@code PaymentDeclined}. */
        DECLINE,
        /** Transient: nothing written; error type {@code PaymentProviderUnavailable}. */
        UNAVAILABLE,
        /** Charged: recorded as a CHARGED payment. */
        CHARGE
    }

    public static final int DECLINED_CENTS = 13;
    public static final int UNAVAILABLE_CENTS = 66;

    private PaymentRules() {}

    public static Decision decide(BigDecimal amount) {
        return switch (Money.cents(amount)) {
            case DECLINED_CENTS -> Decision.DECLINE;
            case UNAVAILABLE_CENTS -> Decision.UNAVAILABLE;
            default -> Decision.CHARGE;
        };
    }
}
