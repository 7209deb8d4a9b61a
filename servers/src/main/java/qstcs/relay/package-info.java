/**
 * The zero-knowledge WebSocket relay: it binds each connection to a registered device id, routes
 * sealed chat frames by recipient, queues them for offline devices and cuts every session when the
 * KMS reports the quantum link RED. It reads only {@code type}, {@code id}, {@code sender} and
 * {@code recipient} of a frame and forwards the original text unchanged, so it never sees message
 * contents or key material.
 */
package qstcs.relay;
