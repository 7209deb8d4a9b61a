package qstcs.crypto.keys;

import java.security.GeneralSecurityException;

/**
 * A hybrid handshake message that must not be used: its transcript MAC does not verify (a
 * relay substituted {@code ek} or {@code ct}, or the peer lacks the QKD key), or it belongs to
 * another handshake. The message says which message was refused, never any key material.
 */
public final class HandshakeFailedException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    HandshakeFailedException(String message) {
        super(message);
    }
}
