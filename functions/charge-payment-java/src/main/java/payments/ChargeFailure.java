package payments;

/**
 * A business failure of the charge, carrying which one. The handler (in the unnamed package)
 * turns it into the exception whose class name is the Lambda {@code errorType}; classes in a
 * named package cannot refer to unnamed-package classes, hence this indirection.
 */
public class ChargeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which error type the handler must report. */
    public enum Kind {
        /** {@code PaymentDeclined}. */
        DECLINED,
        /** {@code PaymentProviderUnavailable}. */
        UNAVAILABLE,
        /** {@code OrderStateConflict}: the payment was refunded (the order was compensated). */
        CONFLICT
    }

    private final Kind kind;

    public ChargeFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
