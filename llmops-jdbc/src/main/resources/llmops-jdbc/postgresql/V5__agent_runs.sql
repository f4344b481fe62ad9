-- llmops agent runs: one row per run, its latest checkpoint. A checkpoint of version n replaces
-- version n - 1 in one statement (optimistic concurrency), so a step costs one round trip and two
-- replicas cannot both carry a run on.
CREATE TABLE llmops_agent_run (
  run_id     TEXT        PRIMARY KEY,
  agent      TEXT        NOT NULL,
  version    BIGINT      NOT NULL CHECK (version >= 1),
  status     TEXT        NOT NULL,
  state      JSONB       NOT NULL,   -- the RunState: messages, pending tool calls, steps, counters, spend
  started_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX llmops_agent_run_status ON llmops_agent_run (status, updated_at);
