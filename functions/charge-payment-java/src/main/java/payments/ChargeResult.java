package payments;

/**
 * The task result {@code {orderId, paymentId, amount: "42.50", status: "CHARGED", replayed}}.
 * A bean (getters only matter) for the same reason as {@link ChargeRequest}.
 */
public class ChargeResult {
    private String orderId;
    private String paymentId;
    private String amount;
    private String status;
    private boolean replayed;

    public ChargeResult() {}

    public ChargeResult(String orderId, String paymentId, String amount, String status, boolean replayed) {
        this.orderId = orderId;
        this.paymentId = paymentId;
        this.amount = amount;
        this.status = status;
        this.replayed = replayed;
    }

    static ChargeResult of(Payment p, boolean replayed) {
        return new ChargeResult(p.orderId(), p.paymentId(), Money.format(p.amount()), p.status().name(), replayed);
    }

    public String getOrderId() { return orderId; }
    public void setOrderId(String orderId) { this.orderId = orderId; }
    public String getPaymentId() { return paymentId; }
    public void setPaymentId(String paymentId) { this.paymentId = paymentId; }
    public String getAmount() { return amount; }
    public void setAmount(String amount) { this.amount = amount; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public boolean isReplayed() { return replayed; }
    public void setReplayed(boolean replayed) { this.replayed = replayed; }

    @Override
    public String toString() {
        return "ChargeResult{orderId=" + orderId + ", paymentId=" + paymentId + ", amount=" + amount
                + ", status=" + status + ", replayed=" + replayed + "}";
    }
}
