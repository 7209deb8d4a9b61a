/**
 * Wire formats shared by sealed chat frames and handshake messages: a tiny strict JSON reader and
 * writer for flat objects ({@link qstcs.crypto.wire.FlatJson}), the injective length-prefixed
 * encoding used for AAD and transcripts ({@link qstcs.crypto.wire.CanonicalEncoding}), and the
 * rules every header field obeys ({@link qstcs.crypto.wire.HeaderFields}).
 */
package qstcs.crypto.wire;
