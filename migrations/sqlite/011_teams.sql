-- Teams and quotas (issue 4): business units with quotas on concurrent executions, executions
-- per UTC day and named units per UTC day; which user belongs to which team (one team each);
-- and the TOTP step each user last signed in with (a code is good once).
CREATE TABLE teams (
  name TEXT PRIMARY KEY,
  description TEXT,
  -- {"concurrentExecutions":n,"executionsPerDay":n,"units":{"name":n}}; a missing member is no limit.
  quotas TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE team_members (
  user_name TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
  team_name TEXT NOT NULL REFERENCES teams(name) ON DELETE CASCADE,
  added_at INTEGER NOT NULL
);
CREATE INDEX team_members_team ON team_members(team_name, user_name);

-- What a team used on one UTC day: metric is 'executions' or 'units:<name>'.
CREATE TABLE team_usage (
  team_name TEXT NOT NULL,
  day TEXT NOT NULL,
  metric TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (team_name, day, metric)
);

-- The team an execution is charged to. Its running ones are counted through this partial
-- index, which holds only RUNNING executions of a team: an execution leaves it (and frees its
-- slot) on any terminal status, with no code on the end path, and executions of no team
-- never enter it.
ALTER TABLE executions ADD COLUMN team TEXT;
CREATE INDEX executions_team_running ON executions(team) WHERE status = 'RUNNING' AND team IS NOT NULL;

-- The 30-second TOTP step of the user's last accepted code: the same code is refused again.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
