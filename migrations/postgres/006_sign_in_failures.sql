-- Failed sign-ins per claimed user (u:NAME) and source address (a:ADDRESS), and lockouts,
-- shared by every node.
CREATE TABLE sign_in_failures (
  key TEXT COLLATE "C" PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL,
  reported BOOLEAN NOT NULL
);
CREATE INDEX sign_in_failures_by_last ON sign_in_failures (last_at);
