package payments;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * {@link PaymentStore} on the payments table. Thin on purpose: the item mapping and two calls.
 */
public final class DynamoPaymentStore implements PaymentStore {
    /** The key the SnapStart priming reads; no payment ever has it (orderIds are request ids). */
    static final String PRIMING_KEY = "__snapstart_priming__";

    private final DynamoDbClient client;
    private final String table;

    public DynamoPaymentStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Builds the client once per execution environment. Region and credentials come from the
     * SDK's default chains (Lambda sets {@code AWS_REGION} and the credentials); the endpoint
     * honours {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_DYNAMODB} (and the
     * {@code aws.endpointUrl} system property), which the SDK reads itself, so the same jar runs
     * against the local cloud with nothing but an environment variable.
     *
     * <p>The credential provider stays the default chain on purpose: with SnapStart on, Lambda
     * hands the function container credentials ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}),
     * not {@code AWS_ACCESS_KEY_ID}, so pinning {@code EnvironmentVariableCredentialsProvider}
     * (a common cold-start tweak) would break the published versions.
     */
    public static DynamoPaymentStore fromEnvironment() {
        String table = System.getenv("PAYMENTS_TABLE");
        if (table == null || table.isBlank()) {
            throw new IllegalStateException("PAYMENTS_TABLE is not set");
        }
        DynamoDbClient client = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        return new DynamoPaymentStore(client, table);
    }

    @Override
    public Optional<Payment> find(String orderId) {
        GetItemResponse response = client.getItem(b -> b.tableName(table).key(key(orderId)).consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fromItem(response.item()));
    }

    @Override
    public boolean putIfAbsent(Payment payment) {
        try {
            client.putItem(b -> b.tableName(table)
                    .item(toItem(payment))
                    .conditionExpression("attribute_not_exists(orderId)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void prime() {
        try {
            client.getItem(b -> b.tableName(table).key(key(PRIMING_KEY)));
        } catch (RuntimeException e) {
            // Priming is best effort: a failure here must not fail the snapshot.
        }
    }

    static Map<String, AttributeValue> key(String orderId) {
        return Map.of("orderId", AttributeValue.fromS(orderId));
    }

    static Map<String, AttributeValue> toItem(Payment p) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("orderId", AttributeValue.fromS(p.orderId()));
        item.put("paymentId", AttributeValue.fromS(p.paymentId()));
        item.put("amount", AttributeValue.fromN(Money.format(p.amount())));
        item.put("status", AttributeValue.fromS(p.status().name()));
        if (p.chargedAt() != null) {
            item.put("chargedAt", AttributeValue.fromS(p.chargedAt()));
        }
        return item;
    }

    static Payment fromItem(Map<String, AttributeValue> item) {
        return new Payment(
                s(item, "orderId"),
                s(item, "paymentId"),
                new BigDecimal(item.get("amount").n()),
                Payment.Status.valueOf(s(item, "status")),
                item.containsKey("chargedAt") ? s(item, "chargedAt") : null);
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) {
            throw new IllegalStateException("payment item without string attribute " + name + ": " + item);
        }
        return v.s();
    }
}
