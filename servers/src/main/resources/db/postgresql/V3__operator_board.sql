-- What the operator's board shows, kept across KMS restarts: breach alarms with who acknowledged
-- them and when, and the link history the console draws (one-second and one-minute samples,
-- markers). Bounded by the KMS (rows older than the spans it keeps are pruned). Public figures
-- only: QBER, rates, pool sizes, words; never key material.

CREATE TABLE alarms (
    id                 BIGINT PRIMARY KEY,
    raised_at_ms       BIGINT NOT NULL,
    kind               TEXT NOT NULL,
    qber               DOUBLE PRECISION NOT NULL,
    detail             TEXT NOT NULL,
    acknowledged_by    TEXT,
    acknowledged_at_ms BIGINT
);

CREATE TABLE link_samples (
    resolution   TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    qber         DOUBLE PRECISION NOT NULL,
    key_rate_bps DOUBLE PRECISION NOT NULL,
    pool_bits    BIGINT NOT NULL,
    status       TEXT NOT NULL,
    PRIMARY KEY (resolution, at_ms)
);

CREATE TABLE link_markers (
    id     BIGSERIAL PRIMARY KEY,
    at_ms  BIGINT NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX link_markers_at ON link_markers (at_ms);
