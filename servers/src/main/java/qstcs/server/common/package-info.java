/**
 * Small pieces both QSTCS servers (KMS and relay) share: JSON error replies, bounded JSON
 * request bodies, command-line flags and the start-up banner with LAN addresses. Nothing here
 * knows about keys or chat frames.
 */
package qstcs.server.common;
