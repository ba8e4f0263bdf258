//! Questions the screens ask of the store that span several visits.

use super::{Store, StoreError};
use crate::domain::Visit;
use crate::followup::{FollowUps, OpenItem};

impl Store {
    /// Every visit (not in the trash) to the district with this code, in no particular order.
    pub fn district_visits(&self, code: &str) -> Result<Vec<Visit>, StoreError> {
        let mut out = Vec::new();
        for s in self
            .summaries()?
            .into_iter()
            .filter(|s| s.district.code == code)
        {
            if let Some(v) = self.get(s.id)? {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// Commitments still open from visits to this district that started before `before`: what
    /// the interview asks about when the district is known.
    pub fn open_items(
        &self,
        code: &str,
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<OpenItem>, StoreError> {
        Ok(FollowUps::build(self.facts()?).open_items(code, before))
    }
}
