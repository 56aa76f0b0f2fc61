package payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {
    @ParameterizedTest(name = "number {0} -> {1}")
    @CsvSource({"42.5, 42.50", "42.50, 42.50", "42, 42.00", "0.01, 0.01", "1000000.00, 1000000.00", "10.130, 10.13"})
    void parsesJsonNumbersExactly(String json, String expected) {
        // A JSON number reaches the handler as the BigDecimal of its text (ChargeRequest.amount).
        assertEquals(expected, Money.format(Money.parse(new BigDecimal(json))));
    }

    @ParameterizedTest(name = "string \"{0}\" -> {1}")
    @CsvSource({"42.50, 42.50", "42.5, 42.50", "' 7 ', 7.00", "0.66, 0.66"})
    void parsesNumericStrings(String text, String expected) {
        assertEquals(expected, Money.format(Money.parse(text)));
    }

    @Test
    void parsesIntegers() {
        assertEquals("42.00", Money.format(Money.parse(42)));
        assertEquals("42.00", Money.format(Money.parse(42L)));
    }

    @Test
    void neverGoesThroughDouble() {
        // 0.1 + 0.2 in double is 0.30000000000000004; BigDecimal keeps cents exact.
        BigDecimal sum = Money.parse("0.1").add(Money.parse("0.2"));
        assertEquals("0.30", Money.format(sum));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"0", "0.00", "-1", "-0.01", "1.234", "1000000.01", "abc", "", "1e400x"})
    void rejectsBadAmounts(String text) {
        assertThrows(InvalidChargeRequest.class, () -> Money.parse(text));
    }

    @Test
    void rejectsMissingAndNonNumericTypes() {
        InvalidChargeRequest e = assertThrows(InvalidChargeRequest.class, () -> Money.parse(null));
        assertEquals("amount: is required", e.getMessage());
        assertThrows(InvalidChargeRequest.class, () -> Money.parse(Boolean.TRUE));
    }

    @Test
    void messagesNameTheField() {
        assertEquals("amount: at most 2 decimal places",
                assertThrows(InvalidChargeRequest.class, () -> Money.parse("1.001")).getMessage());
        assertEquals("amount: must be positive",
                assertThrows(InvalidChargeRequest.class, () -> Money.parse("-5")).getMessage());
    }

    @ParameterizedTest(name = "{0} has cents {1}")
    @CsvSource({"10.13, 13", "20.66, 66", "42.50, 50", "13.00, 0", "0.05, 5", "1000000.00, 0"})
    void cents(String amount, int cents) {
        assertEquals(cents, Money.cents(new BigDecimal(amount)));
    }

    @Test
    void formatsTwoDecimals() {
        assertEquals("42.50", Money.format(new BigDecimal("42.5")));
        assertEquals("3.00", Money.format(new BigDecimal("3")));
        assertEquals("1000000.00", Money.format(new BigDecimal("1E+6")));
    }
}
