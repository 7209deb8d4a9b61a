/**
 * Sealed chat frames: {@link qstcs.crypto.seal.SealedFrame} is the JSON {@code chat} frame of the
 * design (§6), {@link qstcs.crypto.seal.FrameSealer} seals and opens it with AES-256-GCM whose AAD
 * binds every header field, {@link qstcs.crypto.seal.ReplayWindow} drops replays per
 * (key_id, sender), and {@link qstcs.crypto.seal.KeyRotationPolicy} says when a sender must
 * move to a new key_id. The relay only ever sees these frames; it cannot read or edit them.
 */
package qstcs.crypto.seal;
