/**
 * Test support shared by the servers' tests: waiting for observable state ({@link qstcs.testing.Await})
 * instead of sleeping.
 */
package qstcs.testing;
