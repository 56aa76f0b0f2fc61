package payments;

import java.math.BigDecimal;

/**
 * The task payload {@code {orderId, userId, amount}}. A mutable bean because Lambda's Java
 * runtime deserializes POJO inputs with its own (shaded) Jackson, which needs setters.
 * {@code amount} is a {@link BigDecimal}: Jackson reads a JSON number's text exactly
 * ({@code 42.5}, never {@code 42.499999...}) and also accepts a numeric string ({@code "42.50"}).
 */
public class ChargeRequest {
    private String orderId;
    private String userId;
    private BigDecimal amount;

    public ChargeRequest() {}

    public ChargeRequest(String orderId, String userId, BigDecimal amount) {
        this.orderId = orderId;
        this.userId = userId;
        this.amount = amount;
    }

    public String getOrderId() { return orderId; }
    public void setOrderId(String orderId) { this.orderId = orderId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public BigDecimal getAmount() { return amount; }
    public void setAmount(BigDecimal amount) { this.amount = amount; }
}
