/**
 * Simulated BB84 quantum key distribution link and its classical post-processing, one
 * {@link qstcs.crypto.qkd.LinkRound} at a time: transmission (with an optional
 * intercept–resend eavesdropper and channel noise, 64 qubits per word), sifting, parameter
 * estimation, the 11 % abort test, Cascade reconciliation, verification, and Toeplitz privacy
 * amplification to the finite-key length of Tomamichel et al. 2012. The quantum channel is a
 * classical simulation driven by a caller-supplied random generator, not quantum hardware.
 */
package qstcs.crypto.qkd;
