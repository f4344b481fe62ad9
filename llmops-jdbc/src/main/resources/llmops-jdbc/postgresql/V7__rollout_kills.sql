-- The kill switch of guarded rollouts, shared by replicas (llmops-eval's RolloutStore.kill). Any
-- replica may write it (no advisory lock needed); the first kill of a rollout is kept (INSERT ... ON
-- CONFLICT DO NOTHING) and no statement of the store deletes it.
CREATE TABLE llmops_rollout_kill (
  rollout   TEXT        PRIMARY KEY,
  killed_by TEXT        NOT NULL,   -- the replica that recorded it
  reason    TEXT        NOT NULL,
  killed_at TIMESTAMPTZ NOT NULL DEFAULT now()   -- the server's clock
);
