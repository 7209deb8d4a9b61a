/**
 * Service credentials both servers share: the kinds of callers ({@link qstcs.server.auth.Role}),
 * the shape of every bearer token ({@link qstcs.server.auth.BearerTokens}) and the long-lived
 * operator, router and relay tokens kept in 0600 files ({@link qstcs.server.auth.ServiceToken}).
 * The KMS checks them; the relay presents its own.
 */
package qstcs.server.auth;
