-- Devices' public ML-DSA-65 identity keys (X.509). Public keys only: private halves never leave
-- the devices.
CREATE TABLE identity_keys (
    device_id    TEXT PRIMARY KEY,
    public_key   BYTEA NOT NULL,
    published_at BIGINT NOT NULL
);
