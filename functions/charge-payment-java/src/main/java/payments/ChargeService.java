package payments;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The charge step: idempotent per orderId (the payment record's key is the orderId and every
 * write is conditional), so Express's at-least-once delivery and the workflow's retries never
 * charge twice.
 *
 * <ol>
 *   <li>Read the payment. CHARGED: return it with {@code replayed=true}. DECLINED: decline
 *       again. REFUNDED: the order was compensated; refuse ({@code OrderStateConflict}).
 *   <li>Ask the simulated provider ({@link PaymentRules}). Unavailable: fail with nothing
 *       written, so a retry starts from scratch. Declined: record a DECLINED payment, then fail.
 *   <li>Charged: put a CHARGED payment if none exists. If another invocation won the race,
 *       re-read and answer with the winner, as in step 1.
 * </ol>
 */
public final class ChargeService {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PaymentStore store;
    private final Clock clock;
    private final Supplier<String> ids;

    public ChargeService(PaymentStore store) {
        // UUIDs are drawn per invocation, never during init or priming: anything unique that a
        // SnapStart snapshot holds is shared by every environment restored from it (AWS Lambda
        // developer guide, "Handling uniqueness with Lambda SnapStart").
        this(store, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    public ChargeService(PaymentStore store, Clock clock, Supplier<String> ids) {
        this.store = store;
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * Charges the order once.
     *
     * @throws InvalidChargeRequest when the payload is not a charge request
     * @throws ChargeFailure for a decline, a provider outage or a refunded payment
     */
    public ChargeResult charge(ChargeRequest request) {
        if (request == null) {
            throw new InvalidChargeRequest("payload: expected {orderId, userId, amount}");
        }
        String orderId = request.getOrderId();
        if (orderId == null || orderId.isBlank()) {
            throw new InvalidChargeRequest("orderId: is required");
        }
        BigDecimal amount = Money.parse(request.getAmount());

        Optional<Payment> existing = store.find(orderId);
        if (existing.isPresent()) {
            return replay(existing.get());
        }

        switch (PaymentRules.decide(amount)) {
            case UNAVAILABLE -> throw new ChargeFailure(ChargeFailure.Kind.UNAVAILABLE,
                    "payment provider unavailable for order " + orderId + " (simulated: cents ."
                            + PaymentRules.UNAVAILABLE_CENTS + "); retry later");
            case DECLINE -> {
                Payment declined = new Payment(orderId, ids.get(), amount, Payment.Status.DECLINED, null);
                if (!store.putIfAbsent(declined)) {
                    return replayWinner(orderId);
                }
                throw declined(declined);
            }
            case CHARGE -> {
                Payment charged = new Payment(orderId, ids.get(), amount, Payment.Status.CHARGED,
                        ISO_MILLIS.format(clock.instant()));
                if (!store.putIfAbsent(charged)) {
                    return replayWinner(orderId);
                }
                return ChargeResult.of(charged, false);
            }
            default -> throw new IllegalStateException("unreachable");
        }
    }

    private ChargeResult replayWinner(String orderId) {
        Payment winner = store.find(orderId).orElseThrow(() -> new IllegalStateException(
                "conditional put failed for order " + orderId + " but no payment is stored"));
        return replay(winner);
    }

    private static ChargeResult replay(Payment stored) {
        return switch (stored.status()) {
            case CHARGED -> ChargeResult.of(stored, true);
            case DECLINED -> throw declined(stored);
            case REFUNDED -> throw new ChargeFailure(ChargeFailure.Kind.CONFLICT,
                    "payment " + stored.paymentId() + " for order " + stored.orderId()
                            + " was refunded; the order cannot be charged again");
        };
    }

    private static ChargeFailure declined(Payment p) {
        return new ChargeFailure(ChargeFailure.Kind.DECLINED,
                "payment declined for order " + p.orderId() + " (amount " + Money.format(p.amount())
                        + ", simulated: cents ." + PaymentRules.DECLINED_CENTS + ")");
    }
}
