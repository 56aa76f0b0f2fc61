package payments;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The test double of the payments table: the same conditional-put semantics as DynamoDB's
 * {@code attribute_not_exists(orderId)}, plus a hook to stage a concurrent writer.
 */
public final class InMemoryPaymentStore implements PaymentStore {
    public final Map<String, Payment> items = new LinkedHashMap<>();
    public int finds;
    public int puts;
    public int primes;
    /** Written into the table right after the next find, as if another invocation won the race. */
    public Payment racer;

    @Override
    public synchronized Optional<Payment> find(String orderId) {
        finds++;
        Optional<Payment> found = Optional.ofNullable(items.get(orderId));
        if (racer != null) {
            items.putIfAbsent(racer.orderId(), racer);
            racer = null;
        }
        return found;
    }

    @Override
    public synchronized boolean putIfAbsent(Payment payment) {
        puts++;
        return items.putIfAbsent(payment.orderId(), payment) == null;
    }

    @Override
    public void prime() {
        primes++;
    }
}
