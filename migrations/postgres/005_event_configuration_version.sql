-- A counter that every change to the event bus configuration moves (buses, rules and their
-- targets, archives), so each node knows when to reload its matchers. Schedule bookkeeping
-- (next_fire_at) and archive statistics (counts, sizes) are not configuration: updates of
-- only those columns leave it alone.
CREATE TABLE event_configuration (
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  version BIGINT NOT NULL
);
INSERT INTO event_configuration (version) VALUES (0);

CREATE FUNCTION event_configuration_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE event_configuration SET version = version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER event_buses_changed AFTER INSERT OR UPDATE OR DELETE ON event_buses
  FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
CREATE TRIGGER event_targets_changed AFTER INSERT OR UPDATE OR DELETE ON event_targets
  FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
CREATE TRIGGER event_rules_added_or_removed AFTER INSERT OR DELETE ON event_rules
  FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
CREATE TRIGGER event_rules_changed
  AFTER UPDATE OF bus, name, arn, event_pattern, schedule_expression, state, description, role_arn
  ON event_rules FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
CREATE TRIGGER event_archives_added_or_removed AFTER INSERT OR DELETE ON event_archives
  FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
CREATE TRIGGER event_archives_changed
  AFTER UPDATE OF name, arn, bus, event_pattern, description, retention_days, state
  ON event_archives FOR EACH STATEMENT EXECUTE FUNCTION event_configuration_changed();
