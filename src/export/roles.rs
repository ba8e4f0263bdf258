//! Who chairs, takes the notes and signs a visit's documents, chosen from its attendees.
//!
//! Defaults come from the attendees' sides and posts (the regent before the deputy before the
//! regional secretary; a Deputi before an Asisten Deputi before other team members; the chair
//! question of the interview); the CLI overrides any of them with an attendee's number or name.

use uuid::Uuid;

use crate::domain::{AnswerValue, Attendee, Presence, Side, Visit};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// Signs for the district: the regional head or their representative.
    pub regional: Option<Uuid>,
    /// Signs for the visiting team: its lead.
    pub team_lead: Option<Uuid>,
    pub chair: Option<Uuid>,
    pub note_taker: Option<Uuid>,
}

/// How senior a post reads, lower first; `None` when none of the words apply.
fn rank(post: &str, order: &[&str]) -> Option<usize> {
    let p = post.trim().to_lowercase();
    order.iter().position(|w| p.starts_with(w))
}

const REGIONAL: &[&str] = &[
    "gubernur",
    "bupati",
    "wali kota",
    "walikota",
    "wakil gubernur",
    "wakil bupati",
    "wakil wali kota",
    "wakil walikota",
    "sekretaris daerah",
    "sekda",
    "asisten",
    "kepala",
];

const TEAM: &[&str] = &[
    "deputi",
    "asisten deputi",
    "staf khusus",
    "direktur",
    "kepala",
    "tenaga ahli utama",
    "tenaga ahli",
];

const NOTE_TAKER: &[&str] = &[
    "notulis",
    "sekretaris rapat",
    "staf",
    "analis",
    "tenaga ahli",
];

fn best(v: &Visit, side: Side, order: &[&str], except: &[Option<Uuid>]) -> Option<Uuid> {
    let candidates: Vec<&Attendee> = v
        .attendees
        .iter()
        .filter(|a| a.side == side && !except.contains(&Some(a.id)))
        .collect();
    candidates
        .iter()
        .enumerate()
        .min_by_key(|(i, a)| (rank(&a.post, order).unwrap_or(order.len()), *i))
        .map(|(_, a)| a.id)
}

impl Roles {
    /// Sensible choices from the attendee list.
    pub fn defaults(v: &Visit) -> Roles {
        let regional = best(v, Side::RegionalGovernment, REGIONAL, &[]);
        let team_lead = best(v, Side::VisitingTeam, TEAM, &[]);
        let chair = match v.answers.get("chair").map(|a| &a.value) {
            Some(AnswerValue::Attendee(id)) if v.attendee(*id).is_some() => Some(*id),
            _ => regional.or(team_lead),
        };
        // The note-taker is a team member other than the lead and the chair, by post.
        let note_taker = v
            .attendees
            .iter()
            .filter(|a| {
                a.side == Side::VisitingTeam && Some(a.id) != team_lead && Some(a.id) != chair
            })
            .enumerate()
            .min_by_key(|(i, a)| {
                let r = rank(&a.post, NOTE_TAKER).unwrap_or(NOTE_TAKER.len());
                // Without a note-taking post, the most junior (last listed) takes notes.
                (r, usize::MAX - i)
            })
            .map(|(_, a)| a.id);
        Roles {
            regional,
            team_lead,
            chair,
            note_taker,
        }
    }
}

/// What went wrong picking a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    NoMatch(String),
    Ambiguous(String),
}

/// An attendee by number in the list (1-based) or by a part of the name, case-insensitive.
pub fn pick(v: &Visit, query: &str) -> Result<Uuid, PickError> {
    let q = query.trim();
    if let Ok(n) = q.parse::<usize>() {
        return v
            .attendees
            .get(n.wrapping_sub(1))
            .map(|a| a.id)
            .ok_or_else(|| PickError::NoMatch(q.to_string()));
    }
    let low = q.to_lowercase();
    let hits: Vec<&Attendee> = v
        .attendees
        .iter()
        .filter(|a| !low.is_empty() && a.full_name().to_lowercase().contains(&low))
        .collect();
    match hits.as_slice() {
        [a] => Ok(a.id),
        [] => Err(PickError::NoMatch(q.to_string())),
        _ => Err(PickError::Ambiguous(q.to_string())),
    }
}

/// The name that signs for `a`: the representative's when someone stood in.
pub fn signing_name(a: &Attendee) -> String {
    match a.presence {
        Presence::Represented if !a.represented_by.trim().is_empty() => {
            a.represented_by.trim().to_string()
        }
        _ => a.full_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn karo_defaults_are_the_regent_the_deputy_and_a_team_member() {
        let v = crate::demo::karo_visit();
        let r = Roles::defaults(&v);
        let name = |id: Option<Uuid>| v.attendee(id.unwrap()).unwrap().name.clone();
        assert_eq!(name(r.regional), "Cory Sriwaty Sebayang");
        assert_eq!(name(r.team_lead), "Abetnego Tarigan");
        assert_eq!(name(r.chair), "Abetnego Tarigan", "the interview's chair");
        assert_eq!(name(r.note_taker), "La Ode Muhamad Talib");
    }

    #[test]
    fn a_deputy_regent_signs_when_the_regent_is_absent() {
        let mut v = crate::demo::karo_visit();
        v.attendees.remove(0);
        v.answers.clear();
        let r = Roles::defaults(&v);
        assert_eq!(
            v.attendee(r.regional.unwrap()).unwrap().post,
            "Wakil Bupati Karo"
        );
        assert_eq!(r.chair, r.regional);
    }

    #[test]
    fn people_are_picked_by_number_or_name() {
        let v = crate::demo::karo_visit();
        assert_eq!(pick(&v, "2"), Ok(v.attendees[1].id));
        assert_eq!(pick(&v, "aang"), Ok(v.attendees[4].id));
        assert_eq!(pick(&v, "9"), Err(PickError::NoMatch("9".into())));
        assert_eq!(pick(&v, "a"), Err(PickError::Ambiguous("a".into())));
    }
}
