package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS as its command wires it keys every link round from a DRBG, so two KMS instances started
 * identically (the command line offers no seed at all) never hand out the same key.
 */
class KmsRandomnessTest {

    @Test
    void twoIdenticallyStartedKmsNeverShareAKey(@TempDir Path a, @TempDir Path b) {
        try (KmsTestServer one = new KmsTestServer(a); KmsTestServer two = new KmsTestServer(b)) {
            for (KmsTestServer s : new KmsTestServer[] {one, two}) {
                LinkLoop loop = assertInstanceOf(LinkLoop.class, s.kms.quantumLink());
                assertTrue(loop.random().isCryptographic(), "the link's rounds are keyed from a DRBG");
            }
            String first = keyHex(one);
            String second = keyHex(two);
            assertEquals(64, first.length());
            assertNotEquals(first, second);
        }
    }

    private static String keyHex(KmsTestServer s) {
        s.kms.quantumLink().refill();
        KeyRequest r = s.kms.link().request("Soldier_Alpha", "Soldier_Bravo", false);
        return assertInstanceOf(KeyRequest.Granted.class, r, r.toString()).key().keyHex();
    }
}
