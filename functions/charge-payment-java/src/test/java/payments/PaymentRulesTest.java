package payments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PaymentRulesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.13, DECLINE",
        "0.13, DECLINE",
        "999.13, DECLINE",
        "20.66, UNAVAILABLE",
        "0.66, UNAVAILABLE",
        "42.50, CHARGE",
        "13.00, CHARGE",
        "66.00, CHARGE",
        "13.66, UNAVAILABLE",
        "66.13, DECLINE",
        "10.31, CHARGE",
        "1000000.00, CHARGE",
    })
    void decidesOnTheCentsOnly(String amount, PaymentRules.Decision expected) {
        assertEquals(expected, PaymentRules.decide(new BigDecimal(amount)));
    }
}
