/**
 * {@code ./qstcs bench engine}: each BB84 engine step timed on one thread after warm-up, reported
 * as medians of the thread's CPU time.
 */
package qstcs.bench.engine;
