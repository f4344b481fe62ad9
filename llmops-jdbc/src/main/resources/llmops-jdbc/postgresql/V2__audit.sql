-- llmops audit log: who changed what (prompt labels, experiments, kill switches, budgets), from
-- which value to which, and when. Append-only: a trigger refuses UPDATE and DELETE.
CREATE TABLE llmops_audit (
  id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- SHA-256 of the event's content: a batch the queue retries inserts nothing twice.
  event_key    TEXT        NOT NULL UNIQUE,
  at           TIMESTAMPTZ NOT NULL,
  action       TEXT        NOT NULL CHECK (action <> ''),
  target       TEXT        NOT NULL,
  actor        TEXT,
  value_before TEXT,
  value_after  TEXT,
  details      JSONB       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX llmops_audit_at ON llmops_audit (at);
CREATE INDEX llmops_audit_target_at ON llmops_audit (target, at);

CREATE FUNCTION llmops_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table %.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER llmops_audit_append_only BEFORE UPDATE OR DELETE ON llmops_audit
  FOR EACH ROW EXECUTE FUNCTION llmops_audit_append_only();
CREATE TRIGGER llmops_audit_no_truncate BEFORE TRUNCATE ON llmops_audit
  FOR EACH STATEMENT EXECUTE FUNCTION llmops_audit_append_only();
