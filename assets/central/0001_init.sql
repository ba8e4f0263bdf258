-- Pantau central server, schema version 1. Applied by `pantau central init URL` as the
-- database owner, inside one transaction. Tables live in schema `pantau`.
--
-- Roles (cluster-wide, created here when missing, never with LOGIN):
--   pantau_team      group of every team's login role: reads and writes its own team's visits,
--                    reads the visits of teams that granted it, enrols its laptops.
--   pantau_national  group of the ministry's login roles: reads everything, writes nothing.
-- No role is granted UPDATE, DELETE or TRUNCATE on pantau.events, and triggers refuse them
-- for everyone, the owner included.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pantau_team') THEN
    CREATE ROLE pantau_team NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pantau_national') THEN
    CREATE ROLE pantau_national NOLOGIN;
  END IF;
END
$$;

-- This server's identity: a laptop enrolled with one server refuses to sync with another.
CREATE TABLE pantau.server (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  one        boolean NOT NULL DEFAULT true UNIQUE CHECK (one)
);
INSERT INTO pantau.server DEFAULT VALUES;

CREATE TABLE pantau.teams (
  name       text PRIMARY KEY CHECK (name <> ''),
  role_name  name NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Team `reader` may read the visits of team `owner`.
CREATE TABLE pantau.grants (
  owner_team  text NOT NULL REFERENCES pantau.teams,
  reader_team text NOT NULL REFERENCES pantau.teams,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_team, reader_team)
);

CREATE TABLE pantau.devices (
  id          uuid PRIMARY KEY,
  team        text NOT NULL REFERENCES pantau.teams,
  name        text NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  enrolled_by name NOT NULL DEFAULT current_user,
  UNIQUE (id, team)
);

-- A visit belongs to the team whose laptop first sent it.
CREATE TABLE pantau.visits (
  id           uuid PRIMARY KEY,
  team         text NOT NULL REFERENCES pantau.teams,
  first_device uuid NOT NULL,
  first_seen   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, team),
  FOREIGN KEY (first_device, team) REFERENCES pantau.devices (id, team)
);

-- Append-only: one row per audit event, its id the unique key. `body` is the event's JSON
-- exactly as the laptop sent it; `sha256` is computed here from those bytes (a trigger).
CREATE TABLE pantau.events (
  seq         bigserial NOT NULL UNIQUE,
  id          uuid PRIMARY KEY,
  visit       uuid NOT NULL,
  team        text NOT NULL,
  device      uuid NOT NULL,
  body        text NOT NULL,
  sha256      bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  received_by name NOT NULL DEFAULT current_user,
  FOREIGN KEY (visit, team) REFERENCES pantau.visits (id, team),
  FOREIGN KEY (device, team) REFERENCES pantau.devices (id, team)
);
CREATE INDEX events_visit ON pantau.events (visit);

CREATE FUNCTION pantau.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pantau.events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
-- The digest is the server's own, whatever an INSERT says.
CREATE FUNCTION pantau.digest_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sha256 := sha256(convert_to(NEW.body, 'UTF8'));
  RETURN NEW;
END
$$;
CREATE TRIGGER events_digest BEFORE INSERT ON pantau.events
  FOR EACH ROW EXECUTE FUNCTION pantau.digest_event();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON pantau.events
  FOR EACH ROW EXECUTE FUNCTION pantau.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON pantau.events
  FOR EACH STATEMENT EXECUTE FUNCTION pantau.refuse_change();

-- What each laptop last sent of a visit: its log (the ids of the events, oldest first), the
-- visit as that log leads to it, and whether it is in the trash. `seq` grows with every change
-- (taken under a lock, so in commit order): a laptop pulls the heads past the last it saw.
-- `doc` is the visit's JSON as sent (text: parsing 10,000 visits into jsonb halved a first
-- sync's speed); `doc::jsonb` reads it as JSON.
CREATE SEQUENCE pantau.head_seq;
CREATE TABLE pantau.heads (
  visit      uuid NOT NULL,
  device     uuid NOT NULL,
  team       text NOT NULL,
  seq        bigint NOT NULL,
  log        uuid[] NOT NULL,
  doc        text NOT NULL,
  trashed    text,
  revision   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (visit, device),
  FOREIGN KEY (visit, team) REFERENCES pantau.visits (id, team),
  FOREIGN KEY (device, team) REFERENCES pantau.devices (id, team)
);
CREATE INDEX heads_seq ON pantau.heads (seq);

-- Every event a head names must be stored, under the same visit.
CREATE FUNCTION pantau.check_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(NEW.log) AS l(id)
             WHERE NOT EXISTS (SELECT 1 FROM pantau.events e
                               WHERE e.id = l.id AND e.visit = NEW.visit)) THEN
    RAISE EXCEPTION 'head of visit % names an event that is not stored', NEW.visit;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER heads_complete BEFORE INSERT OR UPDATE ON pantau.heads
  FOR EACH ROW EXECUTE FUNCTION pantau.check_head();

-- The current state of each visit: the head with the highest revision (the last one sent when
-- equal), with the columns the views query. The visit itself is in pantau.heads.doc.
CREATE TABLE pantau.current (
  visit         uuid PRIMARY KEY,
  team          text NOT NULL,
  device        uuid NOT NULL,
  revision      bigint NOT NULL,
  district_code text NOT NULL,
  district_name text NOT NULL,
  province_code text NOT NULL,
  province_name text NOT NULL,
  meeting_start timestamptz,
  status        text NOT NULL,
  trashed       boolean NOT NULL,
  -- The visit's strategies (with their commitments), for the views.
  strategies    jsonb NOT NULL DEFAULT '[]',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (visit, team) REFERENCES pantau.visits (id, team),
  FOREIGN KEY (visit, device) REFERENCES pantau.heads (visit, device)
);

-- The team of the role connected now (NULL for a role that is no team).
CREATE FUNCTION pantau.my_team() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT name FROM pantau.teams WHERE role_name = current_user
$$;

CREATE FUNCTION pantau.can_read(owner text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT owner = pantau.my_team()
      OR pg_has_role(current_user, 'pantau_national', 'MEMBER')
      OR EXISTS (SELECT 1 FROM pantau.grants g
                 WHERE g.owner_team = owner AND g.reader_team = pantau.my_team())
$$;

-- The stored digest and visit of each of `ids` that is stored, whoever may read it: what a
-- sync needs to refuse an event id that arrives with different content.
CREATE FUNCTION pantau.stored_digests(ids uuid[])
  RETURNS TABLE (id uuid, visit uuid, sha256 bytea)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pantau, pg_temp AS $$
  SELECT e.id, e.visit, e.sha256 FROM pantau.events e WHERE e.id = ANY (ids)
$$;

-- The team a visit belongs to, whoever may read it (a laptop learns that a visit it holds
-- is another team's, to stop sending it).
CREATE FUNCTION pantau.visit_teams(ids uuid[])
  RETURNS TABLE (id uuid, team text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pantau, pg_temp AS $$
  SELECT v.id, v.team FROM pantau.visits v WHERE v.id = ANY (ids)
$$;

ALTER TABLE pantau.teams   ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.grants  ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.visits  ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.events  ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.heads   ENABLE ROW LEVEL SECURITY;
ALTER TABLE pantau.current ENABLE ROW LEVEL SECURITY;

CREATE POLICY teams_read ON pantau.teams FOR SELECT USING (true);
CREATE POLICY grants_read ON pantau.grants FOR SELECT
  USING (owner_team = pantau.my_team() OR reader_team = pantau.my_team()
         OR pg_has_role(current_user, 'pantau_national', 'MEMBER'));
CREATE POLICY grants_give ON pantau.grants FOR INSERT WITH CHECK (owner_team = pantau.my_team());
CREATE POLICY grants_take_back ON pantau.grants FOR DELETE USING (owner_team = pantau.my_team());
CREATE POLICY devices_read ON pantau.devices FOR SELECT USING (pantau.can_read(team));
CREATE POLICY devices_enrol ON pantau.devices FOR INSERT WITH CHECK (team = pantau.my_team());
CREATE POLICY visits_read ON pantau.visits FOR SELECT USING (pantau.can_read(team));
CREATE POLICY visits_claim ON pantau.visits FOR INSERT WITH CHECK (team = pantau.my_team());
CREATE POLICY events_read ON pantau.events FOR SELECT USING (pantau.can_read(team));
CREATE POLICY events_add ON pantau.events FOR INSERT WITH CHECK (team = pantau.my_team());
CREATE POLICY heads_read ON pantau.heads FOR SELECT USING (pantau.can_read(team));
CREATE POLICY heads_add ON pantau.heads FOR INSERT WITH CHECK (team = pantau.my_team());
CREATE POLICY heads_move ON pantau.heads FOR UPDATE
  USING (team = pantau.my_team()) WITH CHECK (team = pantau.my_team());
CREATE POLICY current_read ON pantau.current FOR SELECT USING (pantau.can_read(team));
CREATE POLICY current_add ON pantau.current FOR INSERT WITH CHECK (team = pantau.my_team());
CREATE POLICY current_move ON pantau.current FOR UPDATE
  USING (team = pantau.my_team()) WITH CHECK (team = pantau.my_team());

-- The national view (docs: README, "Central server"). Views run with the rights of the role
-- that queries them (security_invoker), so row-level security applies to them too.
CREATE VIEW pantau.visits_by_province_month WITH (security_invoker = true) AS
  SELECT province_code, province_name,
         to_char(meeting_start AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM') AS month,
         count(*) AS visits,
         count(*) FILTER (WHERE status = 'final') AS final
  FROM pantau.current WHERE NOT trashed
  GROUP BY province_code, province_name, month;

CREATE VIEW pantau.district_latest WITH (security_invoker = true) AS
  SELECT DISTINCT ON (c.district_code)
         c.district_code, c.district_name, c.province_code, c.visit, c.meeting_start, c.team
  FROM pantau.current c WHERE NOT c.trashed
  ORDER BY c.district_code, c.meeting_start DESC NULLS LAST, c.visit;

CREATE VIEW pantau.district_strategies WITH (security_invoker = true) AS
  SELECT d.district_code, d.district_name, d.province_code, d.visit, d.meeting_start,
         (s ->> 'standard')::int AS standard, s ->> 'text' AS strategy,
         coalesce(s ->> 'status', 'not_started') AS status
  FROM pantau.district_latest d
  JOIN pantau.current c ON c.visit = d.visit
  CROSS JOIN LATERAL jsonb_array_elements(c.strategies) AS s
  WHERE s ->> 'standard' IS NOT NULL;

CREATE VIEW pantau.overdue_commitments WITH (security_invoker = true) AS
  SELECT c.district_code, c.district_name, c.province_code, c.visit, c.team,
         s ->> 'text' AS strategy, s ->> 'commitment' AS commitment,
         s ->> 'person_in_charge' AS person_in_charge,
         (s ->> 'target_date')::date AS target_date,
         coalesce(s ->> 'status', 'not_started') AS status
  FROM pantau.current c
  CROSS JOIN LATERAL jsonb_array_elements(c.strategies) AS s
  WHERE NOT c.trashed
    AND s ->> 'target_date' IS NOT NULL
    AND (s ->> 'target_date')::date < (now() AT TIME ZONE 'Asia/Jakarta')::date
    AND coalesce(s ->> 'status', 'not_started') NOT IN ('done', 'not_applicable');

REVOKE ALL ON ALL TABLES IN SCHEMA pantau FROM PUBLIC;
GRANT USAGE ON SCHEMA pantau TO pantau_team, pantau_national;
GRANT SELECT ON ALL TABLES IN SCHEMA pantau TO pantau_team, pantau_national;
GRANT INSERT ON pantau.devices, pantau.visits, pantau.events, pantau.heads, pantau.current
  TO pantau_team;
GRANT INSERT, DELETE ON pantau.grants TO pantau_team;
GRANT UPDATE ON pantau.heads, pantau.current TO pantau_team;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA pantau TO pantau_team;
REVOKE ALL ON FUNCTION pantau.stored_digests(uuid[]), pantau.visit_teams(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pantau.stored_digests(uuid[]), pantau.visit_teams(uuid[])
  TO pantau_team;
