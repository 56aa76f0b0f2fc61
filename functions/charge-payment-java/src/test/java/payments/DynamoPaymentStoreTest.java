package payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The thin DynamoDB store: its item mapping, and its wire behaviour against a scripted
 * DynamoDB endpoint on 127.0.0.1 reached through the SDK's own endpoint setting
 * ({@code aws.endpointUrl}, the system-property twin of {@code AWS_ENDPOINT_URL}).
 */
class DynamoPaymentStoreTest {
    private static final String[] PROPS = {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"};

    private HttpServer server;
    private final ConcurrentLinkedDeque<String[]> replies = new ConcurrentLinkedDeque<>();
    private final List<String> targets = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                synchronized (this) {
                    targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                    bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            String[] reply = replies.pollFirst();
            byte[] body = reply[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(Integer.parseInt(reply[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:" + server.getAddress().getPort());
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void stop() {
        server.stop(0);
        for (String p : PROPS) {
            System.clearProperty(p);
        }
    }

    /** Built the way fromEnvironment builds it, but with the table name given. */
    private DynamoPaymentStore store() {
        DynamoDbClient client = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return new DynamoPaymentStore(client, "test-payments");
    }

    @Test
    void findReadsConsistentlyAndMapsTheItem() {
        replies.add(new String[] {"200", """
            {"Item":{"orderId":{"S":"o-1"},"paymentId":{"S":"p-1"},"amount":{"N":"42.5"},
                     "status":{"S":"CHARGED"},"chargedAt":{"S":"2026-11-28T12:00:00.000Z"}}}"""});
        Optional<Payment> found = store().find("o-1");

        assertEquals(new Payment("o-1", "p-1", new BigDecimal("42.5"), Payment.Status.CHARGED,
                "2026-11-28T12:00:00.000Z"), found.orElseThrow());
        assertEquals("DynamoDB_20120810.GetItem", targets.get(0));
        assertTrue(bodies.get(0).contains("\"ConsistentRead\":true"), bodies.get(0));
        assertTrue(bodies.get(0).contains("\"TableName\":\"test-payments\""), bodies.get(0));
    }

    @Test
    void findOfAnAbsentItemIsEmpty() {
        replies.add(new String[] {"200", "{}"});
        assertTrue(store().find("nope").isEmpty());
    }

    @Test
    void putIsConditionalAndAConditionFailureIsFalse() {
        replies.add(new String[] {"200", "{}"});
        replies.add(new String[] {"400",
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                + "\"message\":\"The conditional request failed\"}"});
        Payment p = new Payment("o-2", "p-2", new BigDecimal("42.50"), Payment.Status.CHARGED, "2026-11-28T12:00:00.000Z");
        DynamoPaymentStore store = store();

        assertTrue(store.putIfAbsent(p));
        assertFalse(store.putIfAbsent(p));
        assertEquals("DynamoDB_20120810.PutItem", targets.get(0));
        assertTrue(bodies.get(0).contains("\"ConditionExpression\":\"attribute_not_exists(orderId)\""), bodies.get(0));
        assertTrue(bodies.get(0).contains("\"amount\":{\"N\":\"42.50\"}"), bodies.get(0));
    }

    @Test
    void primingSwallowsErrors() {
        replies.add(new String[] {"400",
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"no table\"}"});
        store().prime();
        assertEquals(1, targets.size());
        assertTrue(bodies.get(0).contains(DynamoPaymentStore.PRIMING_KEY), bodies.get(0));
    }

    @Test
    void itemMappingRoundTripsAndOmitsChargedAtForADecline() {
        Payment declined = new Payment("o-3", "p-3", new BigDecimal("10.13"), Payment.Status.DECLINED, null);
        Map<String, AttributeValue> item = DynamoPaymentStore.toItem(declined);

        assertEquals(Map.of(
                "orderId", AttributeValue.fromS("o-3"),
                "paymentId", AttributeValue.fromS("p-3"),
                "amount", AttributeValue.fromN("10.13"),
                "status", AttributeValue.fromS("DECLINED")), item);
        Payment back = DynamoPaymentStore.fromItem(item);
        assertEquals(declined, back);
        assertNull(back.chargedAt());
    }
}
