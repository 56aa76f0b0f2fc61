/**
 * Error type {@code PaymentDeclined}: permanent; the workflow catches it and compensates.
 *
 * <p>Why the unnamed package: Lambda's Java runtime reports a thrown exception's {@code errorType}
 * as {@code getClass().getName()} (the runtime interface client's {@code UserFault.makeUserFault}),
 * i.e. the fully qualified name, and the workflow's {@code ErrorEquals} matches that string
 * exactly. In a package this would be {@code payments.PaymentDeclined}. There is no documented
 * way to set {@code errorType} from a Java handler (other than a RequestStreamHandler that never
 * throws, which would turn errors into successes), so the class name is the contract.
 */
public class PaymentDeclined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PaymentDeclined(String message) {
        super(message);
    }
}
