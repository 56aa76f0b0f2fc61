package payments;

/**
 * The payload is not a charge request (missing orderId, bad amount). The workflow only calls
 * this step after validate-order, so this means a caller bypassed validation; the workflow does
 * not catch it, and the execution fails with this name as its error.
 */
public class InvalidChargeRequest extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidChargeRequest(String message) {
        super(message);
    }
}
