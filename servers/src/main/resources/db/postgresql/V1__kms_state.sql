-- The KMS's durable state when it runs on PostgreSQL (./qstcs kms --db ...). Key material is
-- never stored: tokens and enrollment codes only as SHA-256 hashes, the link only as its public
-- status. Times are milliseconds since the epoch, as in the embedded SQLite files.

CREATE TABLE devices (
    device_id    TEXT PRIMARY KEY,
    token_sha256 BYTEA NOT NULL,
    enrolled_at  BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX devices_active_token ON devices (token_sha256) WHERE revoked_at IS NULL;

CREATE TABLE enrollment_codes (
    code_sha256 BYTEA PRIMARY KEY,
    device_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX enrollment_codes_device ON enrollment_codes (device_id);

CREATE TABLE audit (
    id     BIGSERIAL PRIMARY KEY,
    at_ms  BIGINT NOT NULL,
    kind   TEXT NOT NULL,
    actor  TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- The last public status the leading KMS published (the /link_status object), so a KMS that
-- takes the lead continues from it: a latched RED stays RED, versions keep growing.
CREATE TABLE link_status (
    id         INT PRIMARY KEY CHECK (id = 1),
    leader     TEXT NOT NULL,
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
