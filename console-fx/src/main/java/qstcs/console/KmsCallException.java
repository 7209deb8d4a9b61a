package qstcs.console;

import java.io.IOException;

/**
 * A KMS or relay call that did not succeed, with a message an operator can act on (which server,
 * what it said or why it could not be reached). It never carries response bodies with secrets:
 * only the KMS's own {@code error}/{@code detail} fields.
 */
public final class KmsCallException extends IOException {
    KmsCallException(String message) {
        super(message);
    }
}
