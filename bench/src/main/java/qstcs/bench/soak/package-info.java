/**
 * The soak run ({@code ./qstcs bench soak}): a real KMS and relay in the production configuration
 * under chat traffic, attacks and resets, enrollment churn and a hostile client for minutes on end,
 * with their memory, descriptors, threads and legitimate latency sampled to show they stay flat.
 */
package qstcs.bench.soak;
