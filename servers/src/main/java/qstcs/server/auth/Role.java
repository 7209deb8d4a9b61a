package qstcs.server.auth;

/** The kinds of callers the KMS tells apart; each route class admits exactly one. */
public enum Role {
    /** A soldier's device, holding a device token from enrollment. */
    DEVICE,
    /** The SOC operator, holding the operator token from {@code $QSTCS_HOME/kms/operator.token}. */
    OPERATOR,
    /** The router guard, holding the router token (heartbeats only). */
    ROUTER,
    /** The relay service, holding the relay token (token introspection and revocations only). */
    RELAY
}
