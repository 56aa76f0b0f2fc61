package payments;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as {@link BigDecimal}, never {@code double}: the amount arrives as a JSON number
 * ({@code 42.5}) or a string ({@code "42.50"}) and leaves as a 2-decimal string.
 */
public final class Money {
    /** The largest amount the API accepts (docs/contract.md, validation rules). */
    public static final BigDecimal MAX = new BigDecimal("1000000.00");

    private Money() {}

    /**
     * Parses an amount already read as a {@link BigDecimal} (a JSON number) or a string.
     *
     * @throws InvalidChargeRequest when it is missing, not a number, not positive, has more
     *     than 2 decimal places or exceeds {@link #MAX}
     */
    public static BigDecimal parse(Object raw) {
        BigDecimal value;
        if (raw == null) {
            throw new InvalidChargeRequest("amount: is required");
        } else if (raw instanceof BigDecimal d) {
            value = d;
        } else if (raw instanceof Number n) {
            // Integers are exact; a double never reaches here from the Lambda serializer
            // (ChargeRequest.amount is a BigDecimal), but keep the conversion exact anyway.
            value = new BigDecimal(n.toString());
        } else if (raw instanceof String s) {
            try {
                value = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new InvalidChargeRequest("amount: not a number: \"" + s + "\"");
            }
        } else {
            throw new InvalidChargeRequest("amount: must be a number or a numeric string");
        }
        if (value.signum() <= 0) {
            throw new InvalidChargeRequest("amount: must be positive");
        }
        if (value.stripTrailingZeros().scale() > 2) {
            throw new InvalidChargeRequest("amount: at most 2 decimal places");
        }
        if (value.compareTo(MAX) > 0) {
            throw new InvalidChargeRequest("amount: at most " + MAX.toPlainString());
        }
        return value.setScale(2, RoundingMode.UNNECESSARY);
    }

    /** {@code 42.5 -> "42.50"}. */
    public static String format(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }

    /** The cents of an amount with at most 2 decimals: {@code 10.13 -> 13}. */
    public static int cents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY)
                .movePointRight(2)
                .remainder(BigDecimal.valueOf(100))
                .intValueExact();
    }
}
