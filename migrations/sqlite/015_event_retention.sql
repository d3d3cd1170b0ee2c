-- Retention of accepted events, and replay windows by the time in the event.

-- The retention loop deletes old events whose deliveries have all finished: it walks events by
-- age and asks, per event, whether a delivery or a dead letter still needs it.
CREATE INDEX events_by_age ON events (ingested_at);
CREATE INDEX event_deliveries_by_event ON event_deliveries (event_id);
CREATE INDEX event_dead_letters_by_event ON event_dead_letters (event_id);

-- EventBridge replays the events whose `time` (not their arrival) lies in the replay's window,
-- minute by minute; replays read archives in (event_time, event_id) order, also their cursor.
ALTER TABLE event_archive_events ADD COLUMN event_time INTEGER;
UPDATE event_archive_events SET event_time = COALESCE(
  CAST(ROUND((julianday(json_extract(envelope, '$.time')) - 2440587.5) * 86400000) AS INTEGER),
  ingested_at);
CREATE INDEX event_archive_events_by_time ON event_archive_events (archive, event_time, event_id);
