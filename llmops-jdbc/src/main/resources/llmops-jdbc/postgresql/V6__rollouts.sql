-- Guarded rollouts shared by replicas (llmops-eval's RolloutStore). The replica that acts holds a
-- session-level advisory lock on the rollout (not a table: the lock ends with its connection); it
-- alone saves the state. Every replica adds its counts to the counters of the rollout's current
-- window (one step) and arm.
CREATE TABLE llmops_rollout_state (
  rollout  TEXT        PRIMARY KEY,
  state    TEXT        NOT NULL,   -- the controller's JSON: step, window, step start, decisions
  saved_by TEXT        NOT NULL,   -- the replica that saved it
  saved_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE llmops_rollout_count (
  rollout   TEXT             NOT NULL,
  window_no BIGINT           NOT NULL,
  arm       TEXT             NOT NULL,
  name      TEXT             NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (rollout, window_no, arm, name)
);
