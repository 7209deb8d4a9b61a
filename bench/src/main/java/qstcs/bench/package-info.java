/**
 * The benchmarks behind {@code ./qstcs bench}: the engine, the crypto primitives, the KMS and the
 * relay, each against the real code (servers in their own JVMs). They print the tables kept in
 * docs/BENCHMARKS.md; timing goals are checked here, never in unit tests. This module is never on
 * a product command's class path.
 */
package qstcs.bench;
