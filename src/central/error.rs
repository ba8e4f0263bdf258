use uuid::Uuid;

use crate::i18n::{Lang, tf};

/// Why a central-server command failed. Messages never hold a password.
#[derive(Debug)]
pub enum CentralError {
    NoServer,
    BadUrl(String),
    /// A non-local server without TLS.
    TlsRequired(String),
    Tls(String),
    Connect {
        server: String,
        detail: String,
    },
    Server(String),
    SchemaMissing,
    SchemaTooOld {
        found: i32,
        wanted: i32,
    },
    SchemaTooNew {
        found: i32,
        wanted: i32,
    },
    NotEnrolled,
    OtherServer,
    NoTeam(String),
    WrongTeam {
        asked: String,
        actual: String,
    },
    Store(crate::store::StoreError),
    State(String),
    Credentials(String),
    /// A visit from the server that could not be merged (not a valid bundle visit).
    BadVisit {
        visit: Uuid,
        detail: String,
    },
}

impl CentralError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CentralError::NoServer => tf(lang, "central.no_server", &[]),
            CentralError::BadUrl(d) => tf(lang, "central.bad_url", &[d]),
            CentralError::TlsRequired(s) => tf(lang, "central.tls_required", &[s]),
            CentralError::Tls(d) => tf(lang, "central.tls", &[d]),
            CentralError::Connect { server, detail } => {
                tf(lang, "central.connect", &[server, detail])
            }
            CentralError::Server(d) => tf(lang, "central.server", &[d]),
            CentralError::SchemaMissing => tf(lang, "central.schema_missing", &[]),
            CentralError::SchemaTooOld { found, wanted } => {
                tf(lang, "central.schema_old", &[found, wanted])
            }
            CentralError::SchemaTooNew { found, wanted } => {
                tf(lang, "central.schema_new", &[found, wanted])
            }
            CentralError::NotEnrolled => tf(lang, "central.not_enrolled", &[]),
            CentralError::OtherServer => tf(lang, "central.other_server", &[]),
            CentralError::NoTeam(role) => tf(lang, "central.no_team", &[role]),
            CentralError::WrongTeam { asked, actual } => {
                tf(lang, "central.wrong_team", &[asked, actual])
            }
            CentralError::Store(e) => e.message(lang),
            CentralError::State(d) => tf(lang, "central.state", &[d]),
            CentralError::Credentials(d) => tf(lang, "central.credentials", &[d]),
            CentralError::BadVisit { visit, detail } => {
                tf(lang, "central.bad_visit", &[visit, detail])
            }
        }
    }

    /// The error, naming `server` where it is about reaching one.
    pub fn at(self, server: &str) -> Self {
        match self {
            CentralError::Connect { server: s, detail } if s.is_empty() => CentralError::Connect {
                server: server.to_string(),
                detail,
            },
            e => e,
        }
    }

    /// Whether the connection was lost (a sync can be retried and resumes).
    pub fn is_connection(&self) -> bool {
        matches!(self, CentralError::Connect { .. })
    }
}

impl From<crate::store::StoreError> for CentralError {
    fn from(e: crate::store::StoreError) -> Self {
        CentralError::Store(e)
    }
}

impl From<postgres::Error> for CentralError {
    fn from(e: postgres::Error) -> Self {
        if e.is_closed() || e.as_db_error().is_none() && e.code().is_none() {
            CentralError::Connect {
                server: String::new(),
                detail: e.to_string(),
            }
        } else {
            let detail = match e.as_db_error() {
                Some(db) => db.message().to_string(),
                None => e.to_string(),
            };
            CentralError::Server(detail)
        }
    }
}
