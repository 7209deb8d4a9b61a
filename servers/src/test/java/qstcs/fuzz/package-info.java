/**
 * Fuzz tests (Jazzer's JUnit integration) of the parsers that read what the network sends: each
 * may refuse its input only with its documented exception. A normal test run replays the seeds;
 * {@code ./qstcs bench fuzz} fuzzes each target for a while and reports executions and findings.
 */
package qstcs.fuzz;
