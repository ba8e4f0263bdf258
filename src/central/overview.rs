//! The national view, read from the server's views (`assets/central/0001_init.sql`):
//! visits by province and month, each district's four strategies as of its newest visit, and
//! overdue commitments. Row-level security applies: a team sees what it may read, the
//! national role everything.

use serde::Serialize;
use uuid::Uuid;

use super::{CentralError, Target, migrate};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct National {
    pub by_province_month: Vec<ProvinceMonth>,
    pub strategies: Vec<DistrictStrategy>,
    pub overdue: Vec<Overdue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvinceMonth {
    pub province_code: String,
    pub province_name: String,
    pub month: Option<String>,
    pub visits: i64,
    pub final_visits: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictStrategy {
    pub district_code: String,
    pub district_name: String,
    pub visit: Uuid,
    pub standard: Option<i32>,
    pub strategy: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overdue {
    pub district_code: String,
    pub district_name: String,
    pub visit: Uuid,
    pub team: String,
    pub strategy: Option<String>,
    pub commitment: Option<String>,
    pub target_date: chrono::NaiveDate,
    pub status: String,
}

pub fn national(target: &Target) -> Result<National, CentralError> {
    read(target).map_err(|e| e.at(target.shown()))
}

fn read(target: &Target) -> Result<National, CentralError> {
    let mut client = target.connect()?;
    migrate::check(&mut client)?;
    let by_province_month = client
        .query(
            "SELECT province_code, province_name, month, visits, final
             FROM pantau.visits_by_province_month ORDER BY province_code, month",
            &[],
        )?
        .into_iter()
        .map(|r| ProvinceMonth {
            province_code: r.get(0),
            province_name: r.get(1),
            month: r.get(2),
            visits: r.get(3),
            final_visits: r.get(4),
        })
        .collect();
    let strategies = client
        .query(
            "SELECT district_code, district_name, visit, standard, strategy, status
             FROM pantau.district_strategies ORDER BY district_code, standard",
            &[],
        )?
        .into_iter()
        .map(|r| DistrictStrategy {
            district_code: r.get(0),
            district_name: r.get(1),
            visit: r.get(2),
            standard: r.get(3),
            strategy: r.get(4),
            status: r.get(5),
        })
        .collect();
    let overdue = client
        .query(
            "SELECT district_code, district_name, visit, team, strategy, commitment,
                    target_date, status
             FROM pantau.overdue_commitments ORDER BY target_date, district_code",
            &[],
        )?
        .into_iter()
        .map(|r| Overdue {
            district_code: r.get(0),
            district_name: r.get(1),
            visit: r.get(2),
            team: r.get(3),
            strategy: r.get(4),
            commitment: r.get(5),
            target_date: r.get(6),
            status: r.get(7),
        })
        .collect();
    Ok(National {
        by_province_month,
        strategies,
        overdue,
    })
}
