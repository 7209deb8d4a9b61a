package qstcs.kms.identity;

/**
 * Where identity events go: the KMS audit log in production, a list in tests. Details name
 * routes, roles, device ids and addresses — never a token, code or key.
 */
@FunctionalInterface
public interface SecurityAudit {

    /**
     * Records one event.
     *
     * @param event short event type, e.g. {@code auth_failure}, {@code device_enrolled}
     * @param actor who did it, e.g. {@code operator@10.0.0.5}, {@code device:Soldier_Alpha@10.0.0.7},
     *              {@code anonymous@10.0.0.9}
     * @param detail a human sentence without secrets
     */
    void record(String event, String actor, String detail);

    /** Drops events (for code paths that have no audit log, e.g. an offline command). */
    SecurityAudit NONE = (event, actor, detail) -> { };
}
