//! Questions the screens ask of the store that span several visits.

use super::{Store, StoreError};
use crate::domain::Visit;

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
}
