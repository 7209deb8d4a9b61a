/**
 * Who may call the KMS: the service tokens of {@link qstcs.server.auth}, device enrollment with
 * one-time codes, device tokens (stored only as SHA-256 hashes), revocation, token introspection
 * for the relay, and the per-route-class check ({@link qstcs.kms.identity.Authenticator}) that
 * answers 401/403 and audits every refusal.
 */
package qstcs.kms.identity;
