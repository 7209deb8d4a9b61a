/**
 * The relay's side of device identity: it asks the KMS whether a register frame's device token is
 * valid for that device id (token introspection over TLS with the pinned CA, cached briefly), and
 * follows the KMS's revocation feed to close a revoked device's sessions at once.
 */
package qstcs.relay.auth;
