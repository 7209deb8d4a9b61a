/**
 * Simulated BB84 quantum key distribution link and its classical post-processing:
 * transmission (with optional intercept–resend eavesdropper and channel noise), sifting,
 * parameter estimation, Cascade error reconciliation, verification and Toeplitz privacy
 * amplification. The quantum channel is a classical simulation, not quantum hardware.
 */
package qstcs.crypto.qkd;
