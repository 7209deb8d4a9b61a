/**
 * Simulated BB84 quantum key distribution link and its classical post-processing, one
 * {@link qstcs.crypto.qkd.LinkRound} at a time: transmission with biased basis choice (an
 * optional intercept–resend eavesdropper and channel noise, 64 qubits per word), sifting,
 * per-basis parameter estimation, Cascade reconciliation, verification, and Toeplitz privacy
 * amplification to the finite-key length of Tomamichel et al. 2012. The quantum channel is a
 * classical simulation, not quantum hardware; every bit that is or selects key material comes
 * from an AES-256-CTR stream keyed per round from a {@code SecureRandom} DRBG
 * ({@link qstcs.crypto.qkd.QkdRandom}).
 */
package qstcs.crypto.qkd;
