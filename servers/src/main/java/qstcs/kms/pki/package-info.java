/**
 * The QSTCS private PKI: a local EC P-256 certificate authority kept under {@code $QSTCS_HOME/kms/},
 * the KMS and relay server certificates it issues (with the host's names and LAN addresses), the
 * ETSI 014 SAE client certificates with the registry that revokes them, and the PEM files that
 * carry them. Clients pin the CA by fingerprint, so no public CA is involved.
 */
package qstcs.kms.pki;
