//! A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, the server
//! listening only on a Unix socket in that folder (no TCP at all), stopped and removed when the
//! guard drops — also when the test fails. When the tests run as root (initdb refuses root),
//! the cluster runs as the `postgres` user. Binaries: `PANTAU_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin`, else `pg_config --bindir`. Without them a test says so and
//! skips — unless `PANTAU_REQUIRE_PG` is set (CI), where that is a failure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    owner: Option<(u32, u32)>,
}

/// The cluster's admin role (the initdb superuser) and database.
pub const ADMIN: &str = "pantau_admin";
pub const DB: &str = "pantau";

fn bin_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PANTAU_PG_BIN") {
        return Some(PathBuf::from(p));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().or_else(|| {
        let out = Command::new("pg_config").arg("--bindir").output().ok()?;
        let p = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
        p.join("initdb").exists().then_some(p)
    })
}

/// uid and gid of `postgres`, when running as root.
fn unprivileged() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.starts_with("postgres:"))?;
    let f: Vec<&str> = line.split(':').collect();
    Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
}

impl Cluster {
    /// A running cluster with database [`DB`], or `None` (after saying why) when PostgreSQL
    /// cannot be had here.
    pub fn start() -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            let why = "PostgreSQL binaries not found (install the `postgresql` package)";
            if std::env::var_os("PANTAU_REQUIRE_PG").is_some() {
                panic!("{why}");
            }
            eprintln!("SKIPPED: {why}");
            return None;
        };
        let owner = unprivileged();
        let dir = tempfile::Builder::new()
            .prefix("pantau-pg-")
            .tempdir()
            .unwrap();
        let c = Cluster { dir, bin, owner };
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(c.dir.path(), Some(uid), Some(gid)).unwrap();
        }
        c.run(
            "initdb",
            &[
                "-D",
                c.data().to_str().unwrap(),
                "-U",
                ADMIN,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c shared_buffers=32MB -c max_connections=60",
            c.dir.path().display()
        );
        let log = c.dir.path().join("log");
        c.run(
            "pg_ctl",
            &[
                "-D",
                c.data().to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        c.psql_admin(&format!("CREATE DATABASE {DB}"), "postgres");
        Some(c)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.owner {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(gid);
        }
        cmd.current_dir(self.dir.path());
        cmd
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// libpq key=value URL for `user` on the cluster's socket.
    pub fn url(&self, user: &str) -> String {
        format!(
            "host={} port=5432 user={user} dbname={DB}",
            self.dir.path().display()
        )
    }

    /// Runs SQL as the admin in `db` with psql; stdout.
    pub fn psql_admin(&self, sql: &str, db: &str) -> String {
        self.psql(ADMIN, db, sql).expect("admin SQL works")
    }

    /// Runs SQL as `user`: stdout, or stderr on failure.
    pub fn psql(&self, user: &str, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(self.dir.path())
            .args(["-U", user, "-d", db, "-c", sql])
            .output()
            .unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// Stops the server abruptly and starts it again (same data).
    pub fn restart(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "stop",
            ],
        );
        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c shared_buffers=32MB -c max_connections=60",
            self.dir.path().display()
        );
        let log = self.dir.path().join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}
