-- Failed sign-ins per claimed user (u:NAME) and source address (a:ADDRESS), and lockouts.
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  reported INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_failures_by_last ON sign_in_failures (last_at);
