package payments;

import java.util.Optional;

/**
 * The narrow view of the payments table that the charge step needs (and all its IAM policy
 * should grant: GetItem and PutItem). {@link DynamoPaymentStore} is the real one; the tests use
 * an in-memory one.
 */
public interface PaymentStore {
    /** The payment for an order, read consistently; empty when there is none. */
    Optional<Payment> find(String orderId);

    /**
     * Writes the payment only if the order has none yet ({@code attribute_not_exists(orderId)}).
     *
     * @return false when another payment for the order already exists (the condition failed)
     */
    boolean putIfAbsent(Payment payment);

    /**
     * Warms the client (connection, signer, marshallers, credentials) without changing
     * anything; called before the SnapStart snapshot. Never throws.
     */
    default void prime() {}
}
