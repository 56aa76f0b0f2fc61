import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import payments.ChargeRequest;
import payments.ChargeResult;
import payments.ChargeService;
import payments.InMemoryPaymentStore;
import payments.Money;
import payments.Payment;

/**
 * The handler as Lambda drives it: JSON in through the runtime's own POJO serializer, the
 * result back out through it, and the exceptions whose class names are the error types.
 */
class ChargePaymentHandlerTest {
    private static final PojoSerializer<ChargeRequest> IN = JacksonFactory.getInstance().getSerializer(ChargeRequest.class);
    private static final PojoSerializer<ChargeResult> OUT = JacksonFactory.getInstance().getSerializer(ChargeResult.class);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00.123Z"), ZoneOffset.UTC);

    private final InMemoryPaymentStore store = new InMemoryPaymentStore();
    private final AtomicInteger ids = new AtomicInteger();
    private final ChargePaymentHandler handler =
            new ChargePaymentHandler(store, new ChargeService(store, CLOCK, () -> "pay-" + ids.incrementAndGet()));

    private ChargeResult invoke(String json) {
        return handler.handleRequest(IN.fromJson(json), null);
    }

    private static String toJson(ChargeResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OUT.toJson(result, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void errorTypesAreTheWorkflowsErrorEqualsNames() {
        // Lambda's Java runtime reports errorType = exception.getClass().getName().
        assertEquals("PaymentDeclined", PaymentDeclined.class.getName());
        assertEquals("PaymentProviderUnavailable", PaymentProviderUnavailable.class.getName());
        assertEquals("OrderStateConflict", OrderStateConflict.class.getName());
        assertEquals("OrderInvalid", OrderInvalid.class.getName());
        assertEquals("ChargePaymentHandler", ChargePaymentHandler.class.getName());
    }

    @Test
    void chargesOnceAndAnswersInTheContractShape() {
        ChargeResult r = invoke("{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"amount\":42.5}");

        assertEquals("o-1", r.getOrderId());
        assertEquals("pay-1", r.getPaymentId());
        assertEquals("42.50", r.getAmount());
        assertEquals("CHARGED", r.getStatus());
        assertFalse(r.isReplayed());
        assertEquals(new Payment("o-1", "pay-1", new BigDecimal("42.50"), Payment.Status.CHARGED,
                "2026-11-28T12:00:00.123Z"), store.items.get("o-1"));

        String json = toJson(r);
        for (String field : List.of("\"orderId\":\"o-1\"", "\"paymentId\":\"pay-1\"", "\"amount\":\"42.50\"",
                "\"status\":\"CHARGED\"", "\"replayed\":false")) {
            assertTrue(json.contains(field), json + " lacks " + field);
        }
    }

    @Test
    void amountMayBeAString() {
        assertEquals("42.50", invoke("{\"orderId\":\"o-s\",\"userId\":\"u\",\"amount\":\"42.50\"}").getAmount());
        assertEquals("7.00", invoke("{\"orderId\":\"o-i\",\"userId\":\"u\",\"amount\":7}").getAmount());
    }

    @Test
    void aLongDecimalIsNotRoundedThroughDouble() {
        // 0.1 + 0.2 style noise would show up here if the amount went through a double.
        assertEquals("999999.99", invoke("{\"orderId\":\"o-big\",\"userId\":\"u\",\"amount\":999999.99}").getAmount());
    }

    @Test
    void theSameTaskTwiceChargesOnce() {
        String task = "{\"orderId\":\"o-2\",\"userId\":\"u-1\",\"amount\":42.50}";
        ChargeResult first = invoke(task);
        ChargeResult second = invoke(task);

        assertFalse(first.isReplayed());
        assertTrue(second.isReplayed());
        assertEquals(first.getPaymentId(), second.getPaymentId());
        assertEquals("42.50", second.getAmount());
        assertEquals(1, store.items.size());
        assertEquals(1, store.puts, "the replay must not write");
        assertTrue(toJson(second).contains("\"replayed\":true"));
    }

    @Test
    void centsThirteenDeclinesAndRecordsIt() {
        String task = "{\"orderId\":\"o-3\",\"userId\":\"u-1\",\"amount\":10.13}";
        PaymentDeclined e = assertThrows(PaymentDeclined.class, () -> invoke(task));
        assertTrue(e.getMessage().contains("o-3"), e.getMessage());

        Payment recorded = store.items.get("o-3");
        assertEquals(Payment.Status.DECLINED, recorded.status());
        assertEquals("10.13", Money.format(recorded.amount()));

        // Permanent: the same task declines again, and writes nothing more.
        assertThrows(PaymentDeclined.class, () -> invoke(task));
        assertEquals(1, store.puts);
    }

    @Test
    void centsSixtySixIsTransientAndWritesNothing() {
        String task = "{\"orderId\":\"o-4\",\"userId\":\"u-1\",\"amount\":\"20.66\"}";
        assertThrows(PaymentProviderUnavailable.class, () -> invoke(task));
        assertThrows(PaymentProviderUnavailable.class, () -> invoke(task));
        assertTrue(store.items.isEmpty());
        assertEquals(0, store.puts);
    }

    @Test
    void losingTheRaceReturnsTheWinner() {
        store.racer = new Payment("o-5", "winner", new BigDecimal("42.50"), Payment.Status.CHARGED, "2026-11-28T11:59:59.999Z");
        ChargeResult r = invoke("{\"orderId\":\"o-5\",\"userId\":\"u-1\",\"amount\":42.5}");

        assertEquals("winner", r.getPaymentId());
        assertTrue(r.isReplayed());
        assertEquals("winner", store.items.get("o-5").paymentId());
        assertEquals(2, store.finds, "read, lose the conditional put, re-read");
    }

    @Test
    void losingTheRaceToADeclineDeclines() {
        store.racer = new Payment("o-6", "winner", new BigDecimal("10.13"), Payment.Status.DECLINED, null);
        assertThrows(PaymentDeclined.class, () -> invoke("{\"orderId\":\"o-6\",\"userId\":\"u-1\",\"amount\":10.13}"));
    }

    @Test
    void aRefundedPaymentIsNotChargedAgain() {
        store.items.put("o-7", new Payment("o-7", "p-7", new BigDecimal("42.50"), Payment.Status.REFUNDED, "2026-11-28T11:00:00.000Z"));
        assertThrows(OrderStateConflict.class, () -> invoke("{\"orderId\":\"o-7\",\"userId\":\"u-1\",\"amount\":42.5}"));
        assertEquals(0, store.puts);
    }

    @Test
    void badPayloadsAreOrderInvalid() {
        assertEquals("orderId: is required",
                assertThrows(OrderInvalid.class, () -> invoke("{\"userId\":\"u\",\"amount\":1}")).getMessage());
        assertEquals("amount: is required",
                assertThrows(OrderInvalid.class, () -> invoke("{\"orderId\":\"o\",\"userId\":\"u\"}")).getMessage());
        assertThrows(OrderInvalid.class, () -> invoke("{\"orderId\":\"o\",\"userId\":\"u\",\"amount\":1.234}"));
        assertThrows(OrderInvalid.class, () -> invoke("{\"orderId\":\"o\",\"userId\":\"u\",\"amount\":-3}"));
        assertThrows(OrderInvalid.class, () -> handler.handleRequest(null, null));
        assertTrue(store.items.isEmpty());
    }

    @Test
    void realIdsAreUuids() {
        ChargePaymentHandler real = new ChargePaymentHandler(store);
        ChargeResult r = real.handleRequest(new ChargeRequest("o-8", "u", new BigDecimal("5")), null);
        assertEquals(r.getPaymentId(), UUID.fromString(r.getPaymentId()).toString());
        assertTrue(store.items.get("o-8").chargedAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    @Test
    void beforeCheckpointPrimesTheStore() throws Exception {
        handler.beforeCheckpoint(null);
        handler.afterRestore(null);
        assertEquals(1, store.primes);
        assertTrue(store.items.isEmpty());
    }

    /**
     * Every shared sample in events/charge-payment/ (the ones `sam local invoke -e` takes) goes
     * through the handler and gets the outcome the simulator rules give for its amount. Skipped
     * when the folder is absent (this project built on its own).
     */
    @TestFactory
    Stream<DynamicTest> sharedEventSamples() throws IOException {
        Path dir = Path.of("..", "..", "events", "charge-payment");
        assumeTrue(Files.isDirectory(dir), "no " + dir);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ChargeRequest request = IN.fromJson(Files.readString(file));
            InMemoryPaymentStore fresh = new InMemoryPaymentStore();
            ChargePaymentHandler h = new ChargePaymentHandler(fresh);
            int cents;
            try {
                cents = Money.cents(Money.parse(request.getAmount()));
            } catch (IllegalArgumentException invalid) {
                assertThrows(OrderInvalid.class, () -> h.handleRequest(request, null));
                return;
            }
            Map<Integer, Class<? extends RuntimeException>> errors =
                    Map.of(13, PaymentDeclined.class, 66, PaymentProviderUnavailable.class);
            if (errors.containsKey(cents)) {
                assertThrows(errors.get(cents), () -> h.handleRequest(request, null));
            } else {
                ChargeResult r = h.handleRequest(request, null);
                assertEquals("CHARGED", r.getStatus());
                assertEquals(request.getOrderId(), r.getOrderId());
                assertTrue(h.handleRequest(request, null).isReplayed());
            }
        }));
    }
}
