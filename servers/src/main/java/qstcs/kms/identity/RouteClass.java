package qstcs.kms.identity;

/**
 * Who may call a KMS route. Every route of the KMS has exactly one class, checked by
 * {@link AccessPolicy} before its handler runs.
 */
public enum RouteClass {
    /** Read-only link state; plain and TLS listeners, no credential. */
    PUBLIC,
    /** Key requests of soldiers' devices: a device token, TLS only. */
    DEVICE,
    /** Attack, reset, Eve, events, audit, enrollment codes, devices: the operator token, TLS only. */
    OPERATOR,
    /** Heartbeats of the router guard (BusyBox wget speaks plain HTTP): the router token, plain and TLS. */
    ROUTER,
    /** Token introspection and revocations for the relay: the relay token, TLS only. */
    RELAY,
    /** A device redeeming its one-time code: no token yet, TLS only (the code is the credential). */
    ENROLLMENT
}
