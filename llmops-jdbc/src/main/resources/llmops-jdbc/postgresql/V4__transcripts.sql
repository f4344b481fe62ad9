-- llmops transcripts: redacted before they are queued, then encrypted (AES-GCM) before they are
-- stored. Only what retention and erasure need is in clear: the time, the tenant, the subject's
-- HMAC pseudonym, the endpoint, and the id of the key that encrypted the content.
CREATE TABLE llmops_transcript (
  call_id     TEXT        PRIMARY KEY,
  at          TIMESTAMPTZ NOT NULL,
  tenant      TEXT,
  subject_key TEXT,                    -- HMAC-SHA256 of the subject (SubjectKey), never the subject
  endpoint    TEXT,
  key_id      TEXT        NOT NULL,    -- the TranscriptKeys id of the key content is encrypted with
  content     BYTEA       NOT NULL,    -- 12-byte IV, then ciphertext and 16-byte tag; call_id is the AAD
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The retention purge deletes the oldest rows by this index in bounded chunks; erasure by subject
-- and key rotation have theirs.
CREATE INDEX llmops_transcript_at ON llmops_transcript (at);
CREATE INDEX llmops_transcript_subject ON llmops_transcript (subject_key) WHERE subject_key IS NOT NULL;
CREATE INDEX llmops_transcript_key ON llmops_transcript (key_id);
