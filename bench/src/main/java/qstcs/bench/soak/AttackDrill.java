package qstcs.bench.soak;

/**
 * The operator's breach drill: {@code POST /force_attack} (the link latches RED, every key is
 * revoked, the relay closes every session with 4403), a few seconds of RED, then
 * {@code POST /reset} and a wait until the link is GREEN again.
 */
final class AttackDrill implements Runnable {

    private final KmsClient kms;
    private final String operator;
    private final SoakCounters counters;
    private final long everyMillis;
    private final long redMillis;
    private volatile boolean running = true;
    private volatile String colour = "GREEN";

    AttackDrill(KmsClient kms, String operator, SoakCounters counters, long everyMillis, long redMillis) {
        this.kms = kms;
        this.operator = operator;
        this.counters = counters;
        this.everyMillis = everyMillis;
        this.redMillis = redMillis;
    }

    void stop() {
        running = false;
    }

    /** The link colour the drill saw last. */
    String colour() {
        return colour;
    }

    @Override
    public void run() {
        try {
            Thread.sleep(everyMillis / 2);
            while (running) {
                counters.attackStarted();
                KmsClient.Reply attacked = kms.post("/force_attack", "{\"reason\":\"soak drill\"}", operator);
                if (attacked.status() != 200 || !attacked.body().contains("\"RED\"")) {
                    counters.failure("force_attack answered " + attacked.status());
                }
                colour = "RED";
                counters.attacks.increment();
                Thread.sleep(redMillis);
                if (!kms.linkColour().equals("RED")) {
                    counters.failure("the link left RED without a reset");
                }
                KmsClient.Reply reset = kms.post("/reset", "{\"reason\":\"soak drill over\"}", operator);
                if (reset.status() != 200) {
                    counters.failure("reset answered " + reset.status());
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!(colour = kms.linkColour()).equals("GREEN") && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                if (!colour.equals("GREEN")) {
                    counters.failure("the link was not GREEN within 60 s of a reset");
                }
                counters.attackEnded();
                Thread.sleep(everyMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            counters.failure("the attack drill failed: " + e);
        }
    }
}
