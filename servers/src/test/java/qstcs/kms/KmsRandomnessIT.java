package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS as its command wires it keys every link round from a DRBG, so two KMS instances started
 * identically (the command line offers no seed at all) never hand out the same key.
 */
class KmsRandomnessIT {

    @Test
    void twoIdenticallyStartedKmsNeverShareAKey(@TempDir Path a, @TempDir Path b) {
        try (KmsTestServer one = new KmsTestServer(a); KmsTestServer two = new KmsTestServer(b)) {
            for (KmsTestServer s : new KmsTestServer[] {one, two}) {
                LinkLoop loop = assertInstanceOf(LinkLoop.class, s.kms.quantumLink());
                assertTrue(loop.random().isCryptographic(), "the link's rounds are keyed from a DRBG");
            }
            IssuedKey first = key(one);
            IssuedKey second = key(two);
            assertEquals(32, first.key().size());
            assertFalse(first.sameKeyAs(second));
        }
    }

    private static IssuedKey key(KmsTestServer s) {
        s.kms.quantumLink().refill();
        KeyRequest r = s.kms.link().request("Soldier_Alpha", "Soldier_Bravo", false);
        return assertInstanceOf(KeyRequest.Granted.class, r, r.toString()).key();
    }
}
