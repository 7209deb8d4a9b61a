package qstcs.console;

/**
 * A message for the operator (shown as a ControlsFX notification). Text is written for a human:
 * what failed and what to check, never an exception trace.
 */
public record OperatorNotice(Kind kind, String title, String text) {
    public enum Kind { INFO, FAILURE }

    static OperatorNotice failure(String title, String text) {
        return new OperatorNotice(Kind.FAILURE, title, text);
    }

    static OperatorNotice info(String title, String text) {
        return new OperatorNotice(Kind.INFO, title, text);
    }
}
