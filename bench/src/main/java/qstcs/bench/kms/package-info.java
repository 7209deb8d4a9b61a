/**
 * Load benchmarks of the KMS ({@code ./qstcs bench kms}): a real KMS process on loopback driven
 * by keep-alive HTTP/1.1 connections, reporting throughput, latency percentiles, server CPU per
 * request and resident memory.
 */
package qstcs.bench.kms;
