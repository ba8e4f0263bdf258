use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person in the meeting. Titles are kept apart from the name ("Ir. H." … "M.Si").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub id: Uuid,
    #[serde(default)]
    pub prefix_titles: String,
    pub name: String,
    #[serde(default)]
    pub suffix_titles: String,
    #[serde(default)]
    pub side: Side,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub presence: Presence,
    /// Who stood in, when the person was represented.
    #[serde(default)]
    pub represented_by: String,
    #[serde(default)]
    pub notes: String,
}

impl Attendee {
    pub fn new(id: Uuid, name: impl Into<String>) -> Self {
        Attendee {
            id,
            prefix_titles: String::new(),
            name: name.into(),
            suffix_titles: String::new(),
            side: Side::Other,
            post: String::new(),
            organisation: String::new(),
            presence: Presence::InPerson,
            represented_by: String::new(),
            notes: String::new(),
        }
    }

    /// The name with its titles, as written on an attendance list.
    pub fn full_name(&self) -> String {
        let mut out = String::new();
        for part in [self.prefix_titles.trim(), self.name.trim()] {
            if !part.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(part);
            }
        }
        let suffix = self.suffix_titles.trim();
        if !suffix.is_empty() {
            out.push_str(", ");
            out.push_str(suffix);
        }
        out
    }
}

/// Which side of the table a person sits on.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(prefix = "side.", serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Side {
    RegionalGovernment,
    VisitingTeam,
    Bpjamsostek,
    Forkopimda,
    MemberOrHeir,
    #[default]
    Other,
}

impl Side {
    pub const ALL: &[Side] = <Side as strum::VariantArray>::VARIANTS;

    pub fn key(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    InPerson,
    Represented,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_name_joins_titles_and_skips_empty_parts() {
        let mut a = Attendee::new(Uuid::nil(), "Budi Santoso");
        assert_eq!(a.full_name(), "Budi Santoso");
        a.prefix_titles = "Ir. H.".into();
        a.suffix_titles = "M.Si".into();
        assert_eq!(a.full_name(), "Ir. H. Budi Santoso, M.Si");
    }
}
