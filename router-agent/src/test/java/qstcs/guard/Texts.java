package qstcs.guard;

import static org.junit.jupiter.api.Assertions.fail;

/** Assertions on program output, reporting the whole output when a part is missing. */
final class Texts {
    private Texts() {
    }

    static void assertContains(String text, String... parts) {
        for (String part : parts) {
            if (!text.contains(part)) {
                fail("expected output to contain \"" + part + "\" but it was:\n" + text);
            }
        }
    }
}
