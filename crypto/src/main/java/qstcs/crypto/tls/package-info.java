/**
 * How QSTCS clients trust QSTCS servers without a public PKI: the KMS runs a private CA and
 * clients pin that CA by the SHA-256 fingerprint of its certificate ({@link qstcs.crypto.tls.CaFingerprint},
 * {@link qstcs.crypto.tls.PinnedCaTrust}). It also holds the {@code qstcs://} enrollment string
 * ({@link qstcs.crypto.tls.EnrollmentUri}) that carries the pin, the KMS address and a one-time code
 * to a new device, and the credentials file a device keeps afterwards
 * ({@link qstcs.crypto.tls.DeviceCredentials}). Pure JDK, so both the servers and the desktop apps use the same code.
 */
package qstcs.crypto.tls;
