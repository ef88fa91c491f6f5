-- Successive halving (ASHA): a trial may wait at a rung (Paused) or stop there with its rung's metrics (Pruned).
-- 0001 declared the status CHECK inline, so PostgreSQL named it trials_status_check.
ALTER TABLE trials DROP CONSTRAINT IF EXISTS trials_status_check;
ALTER TABLE trials ADD CONSTRAINT trials_status_check
    CHECK (status IN ('Pending', 'Running', 'Completed', 'Diverged', 'Failed', 'Cancelled', 'Paused', 'Pruned'));

-- One decision of the search per (trial, rung). A 'pause' may later be replaced by 'continue' or 'prune' when the
-- rung closes; any other decision, once stored, stands (RecordRungAsync is idempotent under replays).
CREATE TABLE trial_rungs
(
    trial_id         text               NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
    rung             integer            NOT NULL CHECK (rung >= 0),
    sweep_id         text               NOT NULL REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
    step             integer            NOT NULL CHECK (step >= 0),
    -- May be NaN (a diverged trial's metric); float8 keeps NaN exactly.
    metric           double precision   NOT NULL,
    verdict          text               NOT NULL CHECK (verdict IN ('continue', 'pause', 'prune')),
    -- The standings the decision saw, best first: parallel arrays (trial ids, metrics; NaN kept).
    standing_trials  text[]             NOT NULL,
    standing_metrics double precision[] NOT NULL CHECK (cardinality(standing_metrics) = cardinality(standing_trials)),
    promotable       integer            NOT NULL CHECK (promotable >= 0),
    -- Order of first recording: kept when a pause is replaced, so GetRungsAsync lists decisions as they arrived.
    recorded         bigint             GENERATED ALWAYS AS IDENTITY,
    decided_at       timestamptz        NOT NULL DEFAULT now(),
    PRIMARY KEY (trial_id, rung)
);

CREATE INDEX trial_rungs_sweep ON trial_rungs (sweep_id, rung, recorded);
