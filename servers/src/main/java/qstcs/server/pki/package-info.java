/**
 * The QSTCS private PKI both servers use: a local EC P-256 certificate authority kept under
 * {@code $QSTCS_HOME/kms/}, the KMS and relay server certificates it issues (with the host's
 * names and LAN addresses), and the PEM files that carry them. Clients pin the CA by
 * fingerprint, so no public CA is involved.
 */
package qstcs.server.pki;
