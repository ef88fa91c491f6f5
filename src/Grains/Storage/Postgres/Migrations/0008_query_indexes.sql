-- Queries that do not grow with the store (issue 10): a leaderboard's top rows, a sweep's counts by status and a
-- page of its trials are read through indexes instead of by loading every row.
--
-- One index per leaderboard metric, in exactly LeaderboardOrder's order (NaN last, best first, ties by trial id in
-- byte order), per sweep and over all sweeps, so `ORDER BY … LIMIT n` reads n index entries. Pruned trials are
-- ranked apart (their metrics are from fewer steps), so the ranked query says `status <> 'Pruned'` and so do these
-- partial indexes.
CREATE INDEX trials_rank_sweep_test_accuracy ON trials
    (sweep_id, (test_accuracy = 'NaN'::float8), test_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_sweep_dev_accuracy ON trials
    (sweep_id, (dev_accuracy = 'NaN'::float8), dev_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_sweep_train_accuracy ON trials
    (sweep_id, (train_accuracy = 'NaN'::float8), train_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_sweep_test_weighted_f1 ON trials
    (sweep_id, (test_weighted_f1 = 'NaN'::float8), test_weighted_f1 DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_sweep_test_weighted_area_ratio ON trials
    (sweep_id, (test_weighted_area_ratio = 'NaN'::float8), test_weighted_area_ratio DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_sweep_wall_seconds ON trials
    (sweep_id, (wall_seconds = 'NaN'::float8), wall_seconds ASC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';

CREATE INDEX trials_rank_test_accuracy ON trials
    ((test_accuracy = 'NaN'::float8), test_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_dev_accuracy ON trials
    ((dev_accuracy = 'NaN'::float8), dev_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_train_accuracy ON trials
    ((train_accuracy = 'NaN'::float8), train_accuracy DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_test_weighted_f1 ON trials
    ((test_weighted_f1 = 'NaN'::float8), test_weighted_f1 DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_test_weighted_area_ratio ON trials
    ((test_weighted_area_ratio = 'NaN'::float8), test_weighted_area_ratio DESC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';
CREATE INDEX trials_rank_wall_seconds ON trials
    ((wall_seconds = 'NaN'::float8), wall_seconds ASC, trial_id COLLATE "C")
    WHERE finished_at IS NOT NULL AND status <> 'Pruned';

-- 0001's metric indexes sort NaN first and break no ties, so no leaderboard query can use them.
DROP INDEX IF EXISTS trials_sweep_test_accuracy;
DROP INDEX IF EXISTS trials_test_accuracy;
DROP INDEX IF EXISTS trials_dev_accuracy;

-- Counts by status: an index-only scan of one sweep's entries.
CREATE INDEX trials_sweep_status ON trials (sweep_id, status);

-- The canonical grid and the creation time apart from the definition, so counts and a page of trials do not read
-- the whole definition (every trial's spec). created_at keeps microseconds, the definition 100 ns ticks: the exact
-- value is kept as its round-trip ("O") text. Null for sweeps stored before this migration: those read the definition
-- (grid) or created_at.
ALTER TABLE sweeps ADD COLUMN grid_json text NULL;
ALTER TABLE sweeps ADD COLUMN created_at_exact text NULL;
