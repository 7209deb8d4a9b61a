/**
 * The key management service: a background loop of simulated BB84 rounds feeds a key pool, a
 * latched GREEN/YELLOW/RED link state machine decides whether keys may be issued, and a
 * Helidon SE HTTP API hands pair keys to devices and controls to the operator. Keys live only in
 * memory; the SQLite audit log records what happened, never key material.
 */
package qstcs.kms;
