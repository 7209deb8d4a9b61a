package qstcs.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityKeyPair;
import qstcs.crypto.identity.SafetyNumber;

/**
 * An enrolled device's identity: its own ML-DSA-65 (optionally also Ed25519) key pair (made on first use under
 * {@code $QSTCS_HOME/devices/<id>/}, published to the KMS) and the peers' keys, fetched from the
 * KMS and checked against the {@link PeerKeyBook}. Every key fetched is reported to the
 * listeners with how it compares to the remembered one, so a UI can warn about a changed key.
 * When the KMS cannot be asked, the remembered key is used; a KMS that stops serving a key this
 * device already knows does not turn signatures off.
 */
public final class DeviceIdentity implements PeerIdentities {

    private final String deviceId;
    private final IdentityKeyPair own;
    private final PeerKeyBook book;
    private final KmsClient kms;
    private final CopyOnWriteArrayList<BiConsumer<String, PeerKeyBook.Sighting>> listeners = new CopyOnWriteArrayList<>();

    DeviceIdentity(String deviceId, IdentityKeyPair own, PeerKeyBook book, KmsClient kms) {
        this.deviceId = deviceId;
        this.own = own;
        this.book = book;
        this.kms = kms;
    }

    /** Loads (or makes, as ML-DSA-65) the identity of {@code config}'s device under {@code home}. */
    public static DeviceIdentity open(Path home, ClientConfig config) throws IOException {
        return open(home, config, IdentityAlgorithm.ML_DSA_65);
    }

    /**
     * Loads the identity of {@code config}'s device under {@code home}, or makes it as {@code forNew}
     * when the device has none yet. An existing identity keeps its kind (see {@link IdentityKeyPair#loadOrCreate(Path, IdentityAlgorithm)}).
     */
    public static DeviceIdentity open(Path home, ClientConfig config, IdentityAlgorithm forNew) throws IOException {
        Path dir = new qstcs.crypto.home.StateHome(home).directory("devices/" + config.deviceId());
        return new DeviceIdentity(config.deviceId(), IdentityKeyPair.loadOrCreate(dir, forNew), PeerKeyBook.open(dir),
                new KmsClient(config));
    }

    /** Publishes this device's public key to the KMS (idempotent). Blocking. */
    public void publish() throws ClientException {
        kms.publishIdentityKey(own.publicKey());
    }

    @Override
    public void announce() {
        try {
            publish();
        } catch (ClientException e) {
            // The key service is down: peers keep the key they remember; published at the next start.
        }
    }

    /** Called with (peer, sighting) whenever a peer's key was fetched; on the caller's thread. */
    public void addListener(BiConsumer<String, PeerKeyBook.Sighting> l) {
        listeners.add(Objects.requireNonNull(l));
    }

    @Override
    public Optional<IdentityKeyPair> own() {
        return Optional.of(own);
    }

    public IdentityKey ownKey() {
        return own.publicKey();
    }

    public String deviceId() {
        return deviceId;
    }

    @Override
    public Optional<IdentityKey> peerKey(String peer) {
        try {
            return refresh(peer).map(PeerKeyBook.Sighting::key);
        } catch (ClientException | IOException e) {
            return book.remembered(peer);
        }
    }

    /**
     * Asks the KMS for {@code peer}'s key now and compares it with the remembered one. Empty when
     * the peer has published none and none is remembered. Blocking.
     */
    public Optional<PeerKeyBook.Sighting> refresh(String peer) throws ClientException, IOException {
        Optional<IdentityKey> served = kms.identityKey(peer);
        if (served.isEmpty()) {
            return book.remembered(peer).map(k -> new PeerKeyBook.Sighting(PeerKeyBook.Status.SAME, k, book.verified(peer)));
        }
        PeerKeyBook.Sighting s = book.observe(peer, served.get());
        listeners.forEach(l -> l.accept(peer, s));
        return Optional.of(s);
    }

    /** The safety number with {@code peerKey}. */
    public SafetyNumber safetyNumber(String peer, IdentityKey peerKey) {
        return SafetyNumber.of(deviceId, own.publicKey(), peer, peerKey);
    }

    /** The user compared safety numbers with {@code peer} for {@code key}. */
    public void markVerified(String peer, IdentityKey key) throws IOException {
        book.markVerified(peer, key);
        listeners.forEach(l -> l.accept(peer, new PeerKeyBook.Sighting(PeerKeyBook.Status.SAME, key, true)));
    }

    /** The key service's directory of enrolled devices. Blocking. */
    public java.util.List<KmsClient.DirectoryEntry> directory() throws ClientException {
        return kms.directory();
    }

    public PeerKeyBook book() {
        return book;
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + deviceId + ", " + own.publicKey() + "]";
    }
}
