-- Drift windows pooled by the replicas of a service (llmops-eval's DriftStore). Every replica inserts
-- the windows it took; the replica holding the right to check (a session-level advisory lock, not a
-- table) deletes them all with DELETE ... RETURNING, in id order, and merges them.
CREATE TABLE llmops_drift_window (
  id         BIGSERIAL   PRIMARY KEY,
  monitor    TEXT        NOT NULL,
  windows    TEXT        NOT NULL,   -- DriftWindows JSON, as offered (the store neither reads nor checks it)
  offered_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX llmops_drift_window_monitor ON llmops_drift_window (monitor, id);
