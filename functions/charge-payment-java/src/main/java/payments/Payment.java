package payments;

import java.math.BigDecimal;

/**
 * One payment record of the payments table (key {@code orderId}, docs/contract.md).
 *
 * @param chargedAt ISO-8601 UTC with milliseconds; null for a DECLINED record
 */
public record Payment(String orderId, String paymentId, BigDecimal amount, Status status, String chargedAt) {
    /** {@code status} attribute values. */
    public enum Status { CHARGED, DECLINED, REFUNDED }
}
