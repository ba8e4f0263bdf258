//! What the server's administrator does once per team (as the database owner): name a team
//! for a login role, and let one team read another's visits.

use super::{CentralError, Target, migrate};

/// Makes login role `role` team `name`'s (the role must exist: `CREATE ROLE … LOGIN`).
pub fn add_team(target: &Target, name: &str, role: &str) -> Result<(), CentralError> {
    let mut client = target.connect()?;
    migrate::check(&mut client)?;
    let mut tx = client.transaction()?;
    tx.execute(
        "INSERT INTO pantau.teams (name, role_name) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET role_name = excluded.role_name",
        &[&name, &role],
    )?;
    // A role name cannot be a parameter; quote_ident makes it one identifier.
    let quoted: String = tx.query_one("SELECT quote_ident($1)", &[&role])?.get(0);
    tx.batch_execute(&format!("GRANT pantau_team TO {quoted}"))?;
    tx.commit()?;
    Ok(())
}

/// Lets team `reader` read the visits of team `owner`.
pub fn grant(target: &Target, owner: &str, reader: &str) -> Result<(), CentralError> {
    let mut client = target.connect()?;
    migrate::check(&mut client)?;
    client.execute(
        "INSERT INTO pantau.grants (owner_team, reader_team) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
        &[&owner, &reader],
    )?;
    Ok(())
}
