//! The server's schema as versioned SQL migrations (`assets/central/NNNN_name.sql`), applied
//! in order by `pantau central init` and checked at every sync. A migration is never edited
//! once released: a change of schema is a new file, and [`LATEST`] grows by one.

use super::CentralError;

/// Every migration: version, name, SQL.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "init",
    include_str!("../../assets/central/0001_init.sql"),
)];

/// The schema version this build speaks.
pub const LATEST: i32 = MIGRATIONS.len() as i32;

/// Serialises `central init` runs against one server.
const LOCK: i64 = 0x5041_4e54_4155_0001;

/// Brings the server's schema to [`LATEST`], in one transaction; the version it was at.
pub fn migrate(client: &mut postgres::Client) -> Result<i32, CentralError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS pantau;
         CREATE TABLE IF NOT EXISTS pantau.schema_migrations (
           version    integer PRIMARY KEY,
           name       text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now(),
           applied_by name NOT NULL DEFAULT current_user)",
    )?;
    let found: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM pantau.schema_migrations",
            &[],
        )?
        .get(0);
    if found > LATEST {
        return Err(CentralError::SchemaTooNew {
            found,
            wanted: LATEST,
        });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > found) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO pantau.schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )?;
    }
    tx.commit()?;
    Ok(found)
}

/// Checks that the server speaks [`LATEST`]: a clear message when it is older or newer.
pub fn check(client: &mut postgres::Client) -> Result<(), CentralError> {
    let found: i32 = match client.query_one(
        "SELECT coalesce(max(version), 0) FROM pantau.schema_migrations",
        &[],
    ) {
        Ok(row) => row.get(0),
        Err(e) if is_missing(&e) => return Err(CentralError::SchemaMissing),
        Err(e) => return Err(e.into()),
    };
    match found {
        0 => Err(CentralError::SchemaMissing),
        f if f < LATEST => Err(CentralError::SchemaTooOld {
            found,
            wanted: LATEST,
        }),
        f if f > LATEST => Err(CentralError::SchemaTooNew {
            found,
            wanted: LATEST,
        }),
        _ => Ok(()),
    }
}

fn is_missing(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.code()
        .is_some_and(|c| *c == SqlState::UNDEFINED_TABLE || *c == SqlState::INVALID_SCHEMA_NAME)
}
