/**
 * Error type {@code OrderInvalid}: the payload is not a charge request (no orderId, an amount
 * that is not a positive number with at most 2 decimals). Same name as validate-order's error,
 * since it is the same fault. Unnamed package for the reason given in {@link PaymentDeclined}.
 */
public class OrderInvalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OrderInvalid(String message) {
        super(message);
    }
}
