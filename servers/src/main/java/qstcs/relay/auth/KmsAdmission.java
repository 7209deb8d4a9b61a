package qstcs.relay.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admits a register frame only if its token is an active device token for exactly the device id
 * it registers as, according to the KMS. Answers are cached briefly (by the token's hash, never
 * the token), so a reconnect storm does not become an introspection storm; the revocation feed
 * drops a device's entries at once. Fails closed: with the KMS unreachable and nothing cached,
 * registration is refused.
 */
public final class KmsAdmission implements Admission {

    private static final System.Logger LOG = System.getLogger(KmsAdmission.class.getName());
    /** How long a positive answer is reused; revocation is pushed separately, so this may be longer than a blink. */
    static final Duration ACTIVE_TTL = Duration.ofSeconds(30);
    /** Unknown tokens are asked again soon: the device may be enrolling right now. */
    static final Duration INACTIVE_TTL = Duration.ofSeconds(2);
    private static final int MAX_ENTRIES = 50_000;

    /** {@code expiresAtNanos} is monotonic: a clock set back must not keep an answer for hours. */
    private record Answer(Optional<String> deviceId, long expiresAtNanos) {
    }

    private final KmsIdentityClient kms;
    private final LongSupplier nanoTime;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    /** @param nanoTime monotonic time ({@code System::nanoTime}) for the cache's lifetimes */
    public KmsAdmission(KmsIdentityClient kms, LongSupplier nanoTime) {
        this.kms = kms;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean admits(String deviceId, String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            return false;
        }
        return device(token).map(deviceId::equals).orElse(false);
    }

    /** The device a token belongs to, from the cache or the KMS; empty if inactive or the KMS is unreachable. */
    Optional<String> device(String token) {
        String key = hash(token);
        long now = nanoTime.getAsLong();
        Answer cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - now > 0) {
            return cached.deviceId();
        }
        try {
            Optional<String> device = kms.introspect(token);
            if (cache.size() >= MAX_ENTRIES) {
                cache.values().removeIf(a -> a.expiresAtNanos() - now <= 0);
                if (cache.size() >= MAX_ENTRIES) {
                    cache.clear();
                }
            }
            cache.put(key, new Answer(device, now + (device.isPresent() ? ACTIVE_TTL : INACTIVE_TTL).toNanos()));
            return device;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot check a device token with the KMS at {0}: {1}", kms.kmsTls(), e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Only the operator sees device ids; its token is checked with the KMS and cached like a device's. */
    @Override
    public boolean showsDevicesTo(String token) {
        if (token == null || token.isEmpty() || token.length() > 256) {
            return false;
        }
        String key = "operator:" + hash(token);
        long now = nanoTime.getAsLong();
        Answer cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - now > 0) {
            return cached.deviceId().isPresent();
        }
        try {
            boolean operator = kms.isOperator(token);
            cache.put(key, new Answer(operator ? Optional.of("operator") : Optional.empty(),
                    now + (operator ? ACTIVE_TTL : INACTIVE_TTL).toNanos()));
            return operator;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot check an operator token with the KMS at {0}: {1}", kms.kmsTls(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Forgets every cached answer for {@code deviceId} (it was revoked). */
    public void forget(String deviceId) {
        cache.values().removeIf(a -> a.deviceId().map(deviceId::equals).orElse(false));
    }

    /** Forgets everything (the KMS restarted). */
    public void forgetAll() {
        cache.clear();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
