-- llmops prompt registry: immutable versions, and labels that point at them. A label move is one
-- transaction that checks the label's revision (optimistic concurrency) and writes its audit row.
CREATE TABLE llmops_prompt_version (
  name         TEXT        NOT NULL,
  version      INTEGER     NOT NULL CHECK (version >= 1),
  model        TEXT,
  messages     JSONB       NOT NULL,   -- [{"role": "SYSTEM", "template": "..."}]
  parameters   JSONB       NOT NULL,   -- the generation parameters the version sets
  metadata     JSONB       NOT NULL,
  content_hash TEXT        NOT NULL,   -- PromptVersion.contentHash(), checked when loaded
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);

CREATE TABLE llmops_prompt_label (
  name      TEXT        NOT NULL,
  label     TEXT        NOT NULL CHECK (label <> 'latest'),
  version   INTEGER     NOT NULL,
  revision  BIGINT      NOT NULL,      -- 1 on creation, +1 on every move
  moved_at  TIMESTAMPTZ NOT NULL,
  moved_by  TEXT,
  PRIMARY KEY (name, label),
  FOREIGN KEY (name, version) REFERENCES llmops_prompt_version (name, version)
);
