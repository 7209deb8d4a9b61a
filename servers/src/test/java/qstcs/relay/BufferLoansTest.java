package qstcs.relay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rule of the event loop's lent buffers: a budget for all, and the oldest loan cut first. */
class BufferLoansTest {

    @Test
    void aLoanThatFitsCutsNobody() {
        BufferLoans<String> loans = new BufferLoans<>(100);
        loans.lend("a", 60);
        assertNull(loans.toCutFor("b", 40));
        loans.lend("b", 40);
        assertEquals(100, loans.lent());
    }

    @Test
    void overTheBudgetTheOldestHolderIsCutNotTheBorrower() {
        BufferLoans<String> loans = new BufferLoans<>(100);
        loans.lend("a", 30);
        loans.lend("b", 30);
        loans.lend("c", 30);
        assertEquals("a", loans.toCutFor("d", 20));
        loans.forget("a");
        assertNull(loans.toCutFor("d", 20));
        // The oldest is the borrower itself: the next oldest goes.
        assertEquals("c", loans.toCutFor("b", 50));
    }

    @Test
    void aHolderThatRepaidEverythingLeavesTheOrderAndStartsAgainAtTheEnd() {
        BufferLoans<String> loans = new BufferLoans<>(100);
        loans.lend("a", 30);
        loans.lend("b", 30);
        loans.repay("a", 30);
        loans.lend("a", 30);
        loans.lend("c", 30);
        assertEquals("b", loans.toCutFor("d", 20), "a returned its loan within its round: b has held longest");
        loans.lend("b", 10);
        assertEquals(40, loans.held("b"));
        assertEquals("b", loans.toCutFor("d", 20), "more borrowed keeps the holder's place");
    }

    @Test
    void repaymentsAfterForgettingChangeNothing() {
        BufferLoans<String> loans = new BufferLoans<>(100);
        loans.lend("a", 30);
        loans.lend("b", 30);
        loans.forget("a");
        loans.repay("a", 30);
        loans.repay("b", 50);
        assertEquals(0, loans.lent());
        assertEquals(0, loans.held("b"));
    }

    @Test
    void withNobodyElseHoldingTheLoanIsMadeAnyway() {
        BufferLoans<String> loans = new BufferLoans<>(100);
        loans.lend("a", 90);
        assertNull(loans.toCutFor("a", 90), "one connection's own needs are not refused");
        assertThrows(IllegalArgumentException.class, () -> new BufferLoans<>(0));
    }
}
