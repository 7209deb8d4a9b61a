package qstcs.relay.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Long-polls the KMS revocation feed on a virtual thread and, for each revoked device, drops its
 * cached admission and hands it to {@code disconnect} (the relay closes its sessions). The KMS
 * answers the moment a device is revoked, so sessions end well within two seconds.
 */
public final class RevocationWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RevocationWatch.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final KmsIdentityClient kms;
    private final KmsAdmission admission;
    private final Consumer<String> disconnect;
    private volatile boolean running = true;
    private Thread thread;

    public RevocationWatch(KmsIdentityClient kms, KmsAdmission admission, Consumer<String> disconnect) {
        this.kms = kms;
        this.admission = admission;
        this.disconnect = disconnect;
    }

    public RevocationWatch start() {
        thread = Thread.ofVirtual().name("relay-revocation-watch").start(this::run);
        return this;
    }

    private void run() {
        String epoch = null;
        long seq = 0;
        boolean failing = false;
        while (running) {
            try {
                KmsIdentityClient.Revocations r = kms.revocations(epoch == null ? Long.MAX_VALUE : seq,
                        epoch == null ? Duration.ZERO : WAIT);
                if (epoch == null) {
                    // First contact: start from the current number; nothing is cached yet.
                    epoch = r.epoch();
                    seq = r.seq();
                } else if (!r.epoch().equals(epoch)) {
                    // The KMS restarted: numbering started over and cached answers may be stale.
                    // Read the new epoch from its start so no revocation made meanwhile is missed.
                    admission.forgetAll();
                    epoch = r.epoch();
                    seq = 0;
                } else {
                    for (String device : r.revoked()) {
                        admission.forget(device);
                        LOG.log(Level.INFO, "device {0} was revoked: closing its sessions", device);
                        disconnect.accept(device);
                    }
                    seq = r.seq();
                }
                if (failing) {
                    LOG.log(Level.INFO, "revocation feed from the KMS is back");
                    failing = false;
                }
            } catch (IOException e) {
                if (!failing && running) {
                    LOG.log(Level.WARNING, "revocation feed from the KMS failed ({0}); retrying", e.getMessage());
                    failing = true;
                }
                pause();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "revocation feed answer unreadable: {0}", e.getClass().getName());
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
