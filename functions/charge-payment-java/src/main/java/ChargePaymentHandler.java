import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.crac.Core;
import org.crac.Resource;
import payments.ChargeFailure;
import payments.ChargeRequest;
import payments.ChargeResult;
import payments.ChargeService;
import payments.DynamoPaymentStore;
import payments.InvalidChargeRequest;
import payments.PaymentStore;

/**
 * The charge step, Java/SnapStart variant. Handler string: {@code ChargePaymentHandler::handleRequest}.
 *
 * <p>In the unnamed package, like the exceptions it throws: Lambda reports
 * {@code getClass().getName()} as {@code errorType}, and the workflow matches
 * {@code PaymentDeclined}/{@code PaymentProviderUnavailable} exactly (see {@link PaymentDeclined}).
 * Java forbids importing unnamed-package classes from a named package, so the logic in
 * {@code payments} throws {@link ChargeFailure} and this class translates it.
 *
 * <p>SnapStart: the DynamoDB client is built once, in the constructor, which Lambda runs during
 * init, before the snapshot. {@link #beforeCheckpoint} then primes it (one harmless GetItem), so
 * the snapshot holds a client whose classes are loaded and whose marshallers, signer and
 * credential provider have run once. Off Lambda (tests, the local runtime) org.crac finds no
 * CRaC-capable JVM and the registration is a no-op.
 */
public class ChargePaymentHandler implements RequestHandler<ChargeRequest, ChargeResult>, Resource {
    private final PaymentStore store;
    private final ChargeService service;

    /** Lambda's entry point: the store from the environment ({@code PAYMENTS_TABLE}). */
    public ChargePaymentHandler() {
        this(DynamoPaymentStore.fromEnvironment());
        // The global context holds resources weakly; Lambda keeps the handler instance alive.
        Core.getGlobalContext().register(this);
    }

    /** For tests: any store, no CRaC registration. */
    ChargePaymentHandler(PaymentStore store) {
        this(store, new ChargeService(store));
    }

    ChargePaymentHandler(PaymentStore store, ChargeService service) {
        this.store = store;
        this.service = service;
    }

    @Override
    public ChargeResult handleRequest(ChargeRequest request, Context context) {
        try {
            ChargeResult result = service.charge(request);
            log(context, "CHARGED orderId=" + result.getOrderId() + " paymentId=" + result.getPaymentId()
                    + " amount=" + result.getAmount() + " replayed=" + result.isReplayed());
            return result;
        } catch (InvalidChargeRequest e) {
            throw new OrderInvalid(e.getMessage());
        } catch (ChargeFailure e) {
            log(context, e.kind() + " " + e.getMessage());
            throw switch (e.kind()) {
                case DECLINED -> new PaymentDeclined(e.getMessage());
                case UNAVAILABLE -> new PaymentProviderUnavailable(e.getMessage());
                case CONFLICT -> new OrderStateConflict(e.getMessage());
            };
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        store.prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to restore: the client re-opens connections on demand, credentials come from
        // the container credentials endpoint that SnapStart sets up, and ids are drawn per call.
    }

    private static void log(Context context, String line) {
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line + "\n");
        }
    }
}
