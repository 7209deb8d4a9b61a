/**
 * Hostile networks at full size: the soak run ({@code ./qstcs bench soak}), a real KMS and relay in
 * the production configuration under chat traffic, attacks and resets, enrollment churn and a hostile
 * client for minutes on end, judged for flat memory, descriptors, threads and latency; and the
 * hostile-load figures ({@code ./qstcs bench hostile}): idle connections held, legitimate requests
 * during a connection flood, relay latency under worst-case frames.
 */
package qstcs.bench.soak;
