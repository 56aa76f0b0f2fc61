/**
 * Error type {@code OrderStateConflict}: the order's payment was already refunded (the order was
 * compensated), so it cannot be charged again. Unnamed package for the reason given in
 * {@link PaymentDeclined}.
 */
public class OrderStateConflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OrderStateConflict(String message) {
        super(message);
    }
}
