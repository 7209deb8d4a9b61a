package qstcs.crypto.wire;

/**
 * Input that is not a well-formed frame: bad JSON, a missing field, a value outside its rules.
 * The message names the field or position and never repeats secret material; the sender of
 * malformed input already knows what it sent, so naming the problem helps only honest clients.
 */
public class MalformedFrameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
