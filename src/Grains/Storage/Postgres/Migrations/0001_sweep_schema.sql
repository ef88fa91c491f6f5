-- Sweep's own tables. Trial ids and sweep ids are restricted to [A-Za-z0-9_.-] by the application.

CREATE TABLE sweeps
(
    sweep_id    text        NOT NULL PRIMARY KEY,
    grid_hash   text        NOT NULL,
    -- The SweepDefinition as JSON text (camelCase), returned verbatim by GetSweepAsync.
    definition  text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX sweeps_created_at ON sweeps (created_at DESC, sweep_id);

-- One row per trial: its configuration, its live status, and (once finished) its final metrics.
CREATE TABLE trials
(
    trial_id                  text             NOT NULL PRIMARY KEY,
    sweep_id                  text             NOT NULL REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
    ordinal                   integer          NOT NULL,
    dataset                   text             NOT NULL,
    architecture              text             NOT NULL,
    filters                   integer          NOT NULL,
    learning_rate             double precision NOT NULL,
    seed                      integer          NOT NULL,
    status                    text             NOT NULL DEFAULT 'Pending'
        CHECK (status IN ('Pending', 'Running', 'Completed', 'Diverged', 'Failed', 'Cancelled')),
    steps                     integer          NOT NULL DEFAULT 0 CHECK (steps >= 0),
    updated_at                timestamptz      NOT NULL DEFAULT now(),
    -- Set, together with the metrics below, by the one transaction that records the result.
    finished_at               timestamptz      NULL,
    train_accuracy            double precision NULL,
    dev_accuracy              double precision NULL,
    test_accuracy             double precision NULL,
    test_weighted_f1          double precision NULL,
    test_weighted_area_ratio  double precision NULL,
    wall_seconds              double precision NULL,
    UNIQUE (sweep_id, ordinal)
);

CREATE INDEX trials_dataset_architecture ON trials (dataset, architecture) WHERE finished_at IS NOT NULL;
CREATE INDEX trials_sweep_test_accuracy ON trials (sweep_id, test_accuracy DESC) WHERE finished_at IS NOT NULL;
CREATE INDEX trials_test_accuracy ON trials (test_accuracy DESC) WHERE finished_at IS NOT NULL;
CREATE INDEX trials_dev_accuracy ON trials (dev_accuracy DESC) WHERE finished_at IS NOT NULL;

-- What a finished trial leaves besides its metrics; one row, written once.
CREATE TABLE trial_results
(
    trial_id   text        NOT NULL PRIMARY KEY REFERENCES trials (trial_id) ON DELETE CASCADE,
    -- Learning curve: int32 count, then per point int32 step and float64 batchCost, batchAccuracy, devAccuracy (LE).
    curve      bytea       NOT NULL,
    train      jsonb       NULL,
    dev        jsonb       NULL,
    test       jsonb       NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Raw checkpoint bytes; the application keeps the newest two (by step) per trial and verifies sha256 on load.
CREATE TABLE checkpoints
(
    trial_id text        NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
    step     integer     NOT NULL CHECK (step >= 0),
    sha256   bytea       NOT NULL CHECK (length(sha256) = 32),
    data     bytea       NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (trial_id, step)
);

-- Per-image probabilities: labels as int32[] and probabilities as float32[count * classes], little-endian.
CREATE TABLE predictions
(
    trial_id      text    NOT NULL REFERENCES trial_results (trial_id) ON DELETE CASCADE,
    split         text    NOT NULL CHECK (split IN ('Test', 'Dev')),
    classes       integer NOT NULL CHECK (classes > 0),
    labels        bytea   NOT NULL,
    probabilities bytea   NOT NULL,
    PRIMARY KEY (trial_id, split)
);

CREATE TABLE studies
(
    sweep_id   text        NOT NULL PRIMARY KEY REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
    -- Stored verbatim (text, not jsonb) so that GetStudyAsync returns exactly what was saved.
    study      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Weights and probabilities are float noise that does not compress; skipping TOAST compression makes writes faster.
ALTER TABLE checkpoints ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE predictions ALTER COLUMN probabilities SET STORAGE EXTERNAL;
