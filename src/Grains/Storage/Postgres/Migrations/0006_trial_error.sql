-- Why a Failed trial failed (its exception's message), written in the same transaction as the rest of its result.
-- NULL for every other outcome and for results recorded before this column existed.
ALTER TABLE trial_results ADD COLUMN IF NOT EXISTS error text NULL;
