/**
 * Long-term device identities: an ML-DSA-65 key pair, optionally together with an Ed25519 one,
 * made on the device at enrollment (only its
 * public half ever leaves the device), the signature that binds the hybrid handshake to it, and
 * the safety number two soldiers compare in person so that a key service cannot pass off its own
 * key as a peer's. The KMS routes that publish and serve public keys are named here once.
 */
package qstcs.crypto.identity;
