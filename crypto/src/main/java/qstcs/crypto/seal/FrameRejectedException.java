package qstcs.crypto.seal;

import java.security.GeneralSecurityException;

/**
 * A frame that did not authenticate: wrong key, edited header, nonce or ciphertext all look the
 * same on purpose, so a relay probing frames learns nothing about which part it broke.
 */
public final class FrameRejectedException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    FrameRejectedException() {
        super("frame rejected: it does not authenticate under this key");
    }
}
