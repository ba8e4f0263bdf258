//! Reaching the server: the URL (libpq's URL or `key=value` form), TLS, and the password.
//!
//! Secure by default: a server that is not on this machine (a Unix socket or a loopback
//! address) is reached with TLS only (`sslmode=require`), and its certificate and host name are
//! checked against the system's trusted roots (plus `sslrootcert=FILE`, a PEM file, for a
//! ministry's own CA). `sslmode=disable` or `prefer` for such a server is refused. The password
//! is never taken into anything Pantau writes or prints: it comes from the URL itself, else
//! from the credentials file (`pantau central login`, libpq's `.pgpass` format, owner-only),
//! else from `PGPASSWORD`.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};

use super::CentralError;

/// A server to connect to.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    root_cert: Option<PathBuf>,
    /// The server with its password left out: what is shown and saved.
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, CentralError> {
        let (rest, root_cert) = take_root_cert(url.trim());
        let mut config =
            postgres::Config::from_str(&rest).map_err(|e| CentralError::BadUrl(e.to_string()))?;
        if config.get_hosts().is_empty() {
            return Err(CentralError::BadUrl("no host".into()));
        }
        if config.get_user().is_none() {
            config.user(&crate::host::user());
        }
        if config.get_dbname().is_none() {
            config.dbname("pantau");
        }
        let local = config.get_hosts().iter().all(is_local);
        let mode_given = rest.contains("sslmode");
        let shown = describe(&config, root_cert.as_deref());
        if local {
            if !mode_given {
                config.ssl_mode(SslMode::Disable);
            }
        } else if !mode_given {
            config.ssl_mode(SslMode::Require);
        } else if config.get_ssl_mode() != SslMode::Require {
            return Err(CentralError::TlsRequired(shown));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(15));
        }
        config.application_name("pantau");
        Ok(Target {
            config,
            root_cert,
            shown,
        })
    }

    /// The server without its password (libpq `key=value` form, which [`Target::parse`] reads).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// Connects, with the password from the URL, the credentials file or `PGPASSWORD`.
    pub fn connect(&self) -> Result<postgres::Client, CentralError> {
        let mut config = self.config.clone();
        if config.get_password().is_none()
            && let Some(p) = self.stored_password()?
        {
            config.password(p);
        }
        let tls = self.tls()?;
        config.connect(tls).map_err(|e| CentralError::Connect {
            server: self.shown.clone(),
            detail: e.to_string(),
        })
    }

    fn tls(&self) -> Result<postgres_native_tls::MakeTlsConnector, CentralError> {
        let mut builder = native_tls::TlsConnector::builder();
        if let Some(path) = &self.root_cert {
            let pem = std::fs::read(path)
                .map_err(|e| CentralError::Tls(format!("{}: {e}", path.display())))?;
            let cert = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| CentralError::Tls(format!("{}: {e}", path.display())))?;
            builder.add_root_certificate(cert);
        }
        let connector = builder
            .build()
            .map_err(|e| CentralError::Tls(e.to_string()))?;
        Ok(postgres_native_tls::MakeTlsConnector::new(connector))
    }

    fn stored_password(&self) -> Result<Option<String>, CentralError> {
        if let Some(file) = credentials_file()
            && let Some(p) = lookup(&file, &self.key())?
        {
            return Ok(Some(p));
        }
        Ok(std::env::var("PGPASSWORD").ok())
    }

    /// host, port, database and user, as the credentials file names a server.
    fn key(&self) -> [String; 4] {
        let host = self
            .config
            .get_hosts()
            .first()
            .map(host_name)
            .unwrap_or_default();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        [
            host,
            port.to_string(),
            self.config.get_dbname().unwrap_or_default().to_string(),
            self.user().to_string(),
        ]
    }

    /// Saves `password` for this server in the credentials file (owner-only).
    pub fn save_password(&self, password: &str) -> Result<PathBuf, CentralError> {
        let file = credentials_file()
            .ok_or_else(|| CentralError::Credentials("no configuration folder".into()))?;
        let key = self.key();
        let mut lines: Vec<String> = match std::fs::read_to_string(&file) {
            Ok(text) => text
                .lines()
                .filter(|l| fields(l).get(..4) != Some(&key[..]))
                .map(str::to_string)
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(CentralError::Credentials(e.to_string())),
        };
        let esc = |s: &str| s.replace('\\', "\\\\").replace(':', "\\:");
        let mut line: Vec<String> = key.iter().map(|k| esc(k)).collect();
        line.push(esc(password));
        lines.push(line.join(":"));
        let mut text = lines.join("\n");
        text.push('\n');
        write_private(&file, text.as_bytes()).map_err(CentralError::Credentials)?;
        Ok(file)
    }
}

/// The credentials file: `PANTAU_CENTRAL_CREDENTIALS`, else `central-credentials` in the
/// platform config folder.
pub fn credentials_file() -> Option<PathBuf> {
    std::env::var_os("PANTAU_CENTRAL_CREDENTIALS")
        .map(PathBuf::from)
        .or_else(|| {
            crate::config::path().and_then(|p| p.parent().map(|d| d.join("central-credentials")))
        })
}

fn lookup(file: &Path, key: &[String; 4]) -> Result<Option<String>, CentralError> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CentralError::Credentials(e.to_string())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file)
            .map_err(|e| CentralError::Credentials(e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(CentralError::Credentials(format!(
                "{} can be read by others (chmod 600)",
                file.display()
            )));
        }
    }
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f = fields(line);
        if f.len() == 5 && f[..4].iter().zip(key).all(|(a, b)| a == "*" || a == b) {
            return Ok(Some(f[4].clone()));
        }
    }
    Ok(None)
}

/// The `:`-separated fields of a `.pgpass` line (`\:` and `\\` escaped).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Writes `bytes` to `path` readable by its owner only, through a temporary file and a rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(|e| e.to_string())?;
    f.write_all(bytes).map_err(|e| e.to_string())?;
    f.sync_all().map_err(|e| e.to_string())?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

/// The URL minus `sslrootcert=…`, which the driver does not know, and that file.
fn take_root_cert(url: &str) -> (String, Option<PathBuf>) {
    let mut cert = None;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let Some((base, query)) = url.split_once('?') else {
            return (url.to_string(), None);
        };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| match p.strip_prefix("sslrootcert=") {
                Some(v) => {
                    cert = Some(PathBuf::from(percent_decode(v)));
                    false
                }
                None => true,
            })
            .collect();
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        (rest, cert)
    } else {
        let kept: Vec<&str> = url
            .split_whitespace()
            .filter(|p| match p.strip_prefix("sslrootcert=") {
                Some(v) => {
                    cert = Some(PathBuf::from(v.trim_matches('\'')));
                    false
                }
                None => true,
            })
            .collect();
        (kept.join(" "), cert)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_local(host: &Host) -> bool {
    match host {
        #[cfg(unix)]
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name == "localhost"
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

fn host_name(host: &Host) -> String {
    match host {
        #[cfg(unix)]
        Host::Unix(p) => p.display().to_string(),
        Host::Tcp(name) => name.clone(),
    }
}

/// The server in libpq's `key=value` form, never the password: what is shown, and saved to
/// connect again (a Unix socket folder does not fit a URL's host unescaped).
fn describe(config: &postgres::Config, root_cert: Option<&Path>) -> String {
    let quote = |v: &str| {
        if !v.is_empty() && !v.contains([' ', '\'', '\\']) {
            v.to_string()
        } else {
            format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
        }
    };
    let hosts: Vec<String> = config.get_hosts().iter().map(host_name).collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let mut out = format!(
        "host={} port={port} user={} dbname={}",
        quote(&hosts.join(",")),
        quote(config.get_user().unwrap_or_default()),
        quote(config.get_dbname().unwrap_or_default())
    );
    if config.get_hosts().iter().any(|h| !is_local(h)) {
        out.push_str(" sslmode=require");
    }
    if let Some(p) = root_cert {
        out.push_str(&format!(" sslrootcert={}", quote(&p.display().to_string())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_server_gets_tls_and_the_password_is_never_shown() {
        let t = Target::parse("postgresql://ani:rahasia@db.kemenko.go.id/pantau").unwrap();
        assert_eq!(t.config.get_ssl_mode(), SslMode::Require);
        assert!(!t.shown().contains("rahasia"), "{}", t.shown());
        assert!(!format!("{t:?}").contains("rahasia"));
        let refused = Target::parse("postgresql://ani@db.kemenko.go.id/pantau?sslmode=disable");
        assert!(matches!(refused, Err(CentralError::TlsRequired(_))));
        let prefer = Target::parse("host=10.1.2.3 user=ani sslmode=prefer");
        assert!(matches!(prefer, Err(CentralError::TlsRequired(_))));
    }

    #[test]
    fn local_servers_need_no_tls_and_the_root_certificate_is_taken_out() {
        let t = Target::parse("postgresql://ani@localhost:5433/pantau").unwrap();
        assert_eq!(t.config.get_ssl_mode(), SslMode::Disable);
        // What is saved reads back as the same server.
        for url in [
            "host=/tmp/a\\ b port=5432 user=ani dbname=pantau",
            "postgresql://ani:pw@db.example.org:6432/nasional?sslrootcert=/etc/ca.pem",
        ] {
            let t = Target::parse(url).unwrap();
            let again = Target::parse(t.shown()).unwrap();
            assert_eq!(again.shown(), t.shown());
            assert_eq!(again.key(), t.key());
            assert!(!t.shown().contains("pw"));
        }
        let t = Target::parse(
            "postgresql://ani@db.example.org/pantau?sslmode=require&sslrootcert=%2Fetc%2Fca.pem",
        )
        .unwrap();
        assert_eq!(t.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(t.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(
            fields(r"h:5432:db:u:pa\:ss\\"),
            ["h", "5432", "db", "u", r"pa:ss\"]
        );
    }
}
