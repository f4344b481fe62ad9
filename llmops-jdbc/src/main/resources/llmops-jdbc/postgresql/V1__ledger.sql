-- llmops ledger: one row per attempt that reached a provider, and per cache hit.
-- Money is NUMERIC without a fixed scale: prices times token counts are exact decimals, and the
-- database keeps every digit, so sums equal the in-memory ledger's to the last decimal.
-- Applied by JdbcMigrations (Flyway) in the configured schema, or by your own migration tool with
-- search_path set to that schema.
CREATE TABLE llmops_ledger (
  call_id             TEXT        NOT NULL,
  attempt             INTEGER     NOT NULL CHECK (attempt >= 0),
  at                  TIMESTAMPTZ NOT NULL,
  outcome             TEXT        NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'CACHE_HIT')),
  endpoint            TEXT        NOT NULL,
  provider            TEXT        NOT NULL,
  model               TEXT        NOT NULL,
  tenant              TEXT,
  subject             TEXT,
  feature             TEXT,
  api_key_id          TEXT,
  prompt_name         TEXT,
  prompt_version      INTEGER     NOT NULL DEFAULT 0,
  experiment_key      TEXT,
  variant             TEXT,
  shadow              BOOLEAN     NOT NULL,
  input_tokens        BIGINT      NOT NULL CHECK (input_tokens >= 0),
  output_tokens       BIGINT      NOT NULL CHECK (output_tokens >= 0),
  cached_input_tokens BIGINT      NOT NULL CHECK (cached_input_tokens >= 0),
  cache_write_tokens  BIGINT      NOT NULL CHECK (cache_write_tokens >= 0),
  reasoning_tokens    BIGINT      NOT NULL CHECK (reasoning_tokens >= 0),
  usage_estimated     BOOLEAN     NOT NULL,
  cost_total          NUMERIC,    -- NULL: the model had no price (never reported as zero)
  cost_input          NUMERIC     NOT NULL,
  cost_cache_read     NUMERIC     NOT NULL,
  cost_cache_write    NUMERIC     NOT NULL,
  cost_output         NUMERIC     NOT NULL,
  cost_reasoning      NUMERIC     NOT NULL,
  cost_estimated      BOOLEAN     NOT NULL,
  catalog_version     TEXT        NOT NULL,
  priced_as           TEXT        NOT NULL,
  saved               NUMERIC,    -- cache hits: what the cached answer cost originally
  recorded_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Idempotency: a retried batch inserts with ON CONFLICT DO NOTHING on this key.
  PRIMARY KEY (call_id, attempt)
);

CREATE INDEX llmops_ledger_at ON llmops_ledger (at);
CREATE INDEX llmops_ledger_tenant_at ON llmops_ledger (tenant, at);
