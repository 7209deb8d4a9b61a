package qstcs.kms;

/**
 * A link operation (a key, a reset, Eve, a forced attack) asked of a KMS process that stands
 * by while another process on the same database leads the quantum link. Answered 503
 * {@code standby} with {@code Retry-After}, once, by the routing's error mapping.
 */
final class LinkStandbyException extends RuntimeException {
    LinkStandbyException() {
        super("this KMS stands by: another KMS process on the same database leads the quantum link and issues keys",
                null, false, false);
    }
}
