/**
 * Benchmarks started by {@code ./qstcs bench engine}: each engine step timed on one thread
 * after warm-up, reported as medians of the thread's CPU time. They print the table kept in
 * docs/BENCHMARKS.md; timing goals are checked here, never in unit tests.
 */
package qstcs.crypto.bench;
