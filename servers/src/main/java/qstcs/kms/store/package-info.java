/**
 * Where the KMS keeps its durable state (devices, enrollment codes, token hashes, revocations,
 * the audit log): an embedded SQLite file by default, or a PostgreSQL database shared by several
 * KMS processes, one of which leads the quantum link. Key material never reaches either.
 */
package qstcs.kms.store;
