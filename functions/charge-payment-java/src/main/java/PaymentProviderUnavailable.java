/**
 * Error type {@code PaymentProviderUnavailable}: transient; the workflow retries it with backoff,
 * then compensates. In the unnamed package so that {@code getClass().getName()}, which Lambda's
 * Java runtime reports as {@code errorType}, is exactly the name in {@code ErrorEquals} (see
 * {@link PaymentDeclined}).
 */
public class PaymentProviderUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PaymentProviderUnavailable(String message) {
        super(message);
    }
}
