package qstcs.kms.store;

/**
 * Which KMS process runs the quantum link. A lone KMS always does ({@link #sole()}); KMS
 * processes sharing a PostgreSQL database elect one ({@link AdvisoryLockLeadership}) and the
 * others stand by until it is gone.
 */
public interface LinkLeadership extends AutoCloseable {

    /** What to do when this process gains or loses the lead; called on the leadership's thread. */
    interface Transitions {
        void lead();

        void standBy();
    }

    /** True while this process leads the link. */
    boolean leads();

    /** Starts competing for the lead (at once, for a lone KMS). */
    void start(Transitions transitions);

    @Override
    void close();

    /** The lone KMS of the embedded set-up: it leads from {@link #start} on. */
    static LinkLeadership sole() {
        return new LinkLeadership() {
            private volatile boolean leads;

            @Override
            public boolean leads() {
                return leads;
            }

            @Override
            public void start(Transitions transitions) {
                leads = true;
                transitions.lead();
            }

            @Override
            public void close() {
                leads = false;
            }
        };
    }
}
