//! Synthetic visits for benchmarks and tests: realistic in shape (about 15 attendees, 6
//! obstacles, the 4 strategies, 20 notes, a few answers and handovers each) and in content
//! (Indonesian names, real district codes), deterministic for a given seed.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::domain::merge::VisitHistory;
use crate::domain::{
    Answer, AnswerValue, Attendee, District, Handover, HandoverKind, Note, Obstacle,
    ObstacleCategory, Presence, Side, Strategy, StrategyStatus, Visit, VisitKind, YesPartialNo,
};

/// A small, fast, seedable generator (SplitMix64); not for anything secret.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn around(&mut self, mean: usize) -> usize {
        mean / 2 + self.below(mean + 1)
    }
    /// A time-ordered id (v7) at `at`, random bits from the generator.
    fn id(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes()[..2]);
        let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
    }
}

const FIRST: &[&str] = &[
    "Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Hendra", "Rina", "Bambang", "Yanti", "Joko",
    "Nur", "Andi", "Ratna", "Ahmad", "Lestari", "Made", "Ketut", "Wayan", "Putu", "Dian", "Eko",
    "Fitri", "Gunawan", "Intan", "Rahmat", "Maria", "Yohanes", "Teguh", "Wulan",
];
const LAST: &[&str] = &[
    "Santoso",
    "Rahayu",
    "Wijaya",
    "Sitepu",
    "Ginting",
    "Tarigan",
    "Sembiring",
    "Nasution",
    "Siregar",
    "Lubis",
    "Hasibuan",
    "Saragih",
    "Pratama",
    "Kusuma",
    "Hidayat",
    "Setiawan",
    "Saputra",
    "Harahap",
    "Simanjuntak",
    "Purba",
    "Manurung",
    "Wibowo",
    "Suryadi",
    "Halim",
];
const PREFIX: &[&str] = &["", "", "", "Drs.", "Ir.", "H.", "Hj.", "Dr.", "Ir. H."];
const SUFFIX: &[&str] = &["", "", "", "S.E.", "M.Si", "S.H.", "M.M.", "S.Sos.", "M.AP"];
const POSTS: &[(&str, Side, &str)] = &[
    ("Bupati", Side::RegionalGovernment, "Pemerintah Kabupaten"),
    (
        "Wakil Bupati",
        Side::RegionalGovernment,
        "Pemerintah Kabupaten",
    ),
    (
        "Sekretaris Daerah",
        Side::RegionalGovernment,
        "Sekretariat Daerah",
    ),
    ("Kepala Bappeda", Side::RegionalGovernment, "Bappeda"),
    (
        "Kepala Dinas Tenaga Kerja",
        Side::RegionalGovernment,
        "Disnaker",
    ),
    ("Kepala BKPSDM", Side::RegionalGovernment, "BKPSDM"),
    ("Kepala DPMPTSP", Side::RegionalGovernment, "DPMPTSP"),
    ("Kapolres", Side::Forkopimda, "Polres"),
    ("Dandim", Side::Forkopimda, "Kodim"),
    ("Kajari", Side::Forkopimda, "Kejaksaan Negeri"),
    (
        "Tenaga Ahli Utama",
        Side::VisitingTeam,
        "Kantor Staf Presiden",
    ),
    ("Asisten Deputi", Side::VisitingTeam, "Kemenko PMK"),
    (
        "Analis Kebijakan",
        Side::VisitingTeam,
        "Sekretariat Kabinet",
    ),
    ("Kepala Subdirektorat", Side::VisitingTeam, "Kemendagri"),
    (
        "Kepala Kantor Cabang",
        Side::Bpjamsostek,
        "BPJS Ketenagakerjaan",
    ),
    (
        "Deputi Direktur Wilayah",
        Side::Bpjamsostek,
        "BPJS Ketenagakerjaan",
    ),
];
const DISTRICTS: &[(&str, &str, &str, i32)] = &[
    ("12.06", "Kabupaten Karo", "Sumatera Utara", 7),
    ("12.71", "Kota Medan", "Sumatera Utara", 7),
    ("13.71", "Kota Padang", "Sumatera Barat", 7),
    ("32.04", "Kabupaten Bandung", "Jawa Barat", 7),
    ("33.74", "Kota Semarang", "Jawa Tengah", 7),
    ("35.78", "Kota Surabaya", "Jawa Timur", 7),
    ("51.03", "Kabupaten Badung", "Bali", 8),
    ("53.71", "Kota Kupang", "Nusa Tenggara Timur", 8),
    ("64.72", "Kota Samarinda", "Kalimantan Timur", 8),
    ("73.71", "Kota Makassar", "Sulawesi Selatan", 8),
    ("81.71", "Kota Ambon", "Maluku", 9),
    ("91.71", "Kota Jayapura", "Papua", 9),
];
const OBSTACLES: &[&str] = &[
    "Peraturan bupati tentang jaminan sosial ketenagakerjaan belum memuat sanksi.",
    "Anggaran APBD untuk iuran pekerja rentan belum dialokasikan tahun ini.",
    "Data pegawai non-ASN dari OPD belum lengkap.",
    "Perangkat desa belum jelas dibiayai Dana Desa atau APBD.",
    "Kesadaran pekerja informal untuk mendaftar masih rendah.",
    "Banyak peserta BPU berhenti membayar iuran karena penghasilan tidak tetap.",
    "PTSP belum mensyaratkan kepesertaan aktif BPJS Ketenagakerjaan.",
    "Wilayah kepulauan menyulitkan pendataan dan sosialisasi.",
];
const NOTES: &[&str] = &[
    "Bupati membuka rapat dan menyampaikan komitmen daerah.",
    "Disnaker memaparkan cakupan kepesertaan pekerja formal dan informal.",
    "BPJAMSOSTEK menyampaikan data tunggakan iuran pemberi kerja.",
    "Tim KSP menanyakan rencana anggaran tahun depan untuk pekerja rentan.",
    "Bappeda menjelaskan program sudah masuk RKPD namun belum di APBD.",
    "Diskusi tentang pendaftaran perangkat desa melalui Dana Desa.",
    "Kejaksaan negeri siap mendampingi penegakan kepatuhan pemberi kerja.",
    "Disepakati pemutakhiran data non-ASN paling lambat akhir triwulan.",
];
const STRATEGIES: [&str; 4] = [
    "Pengawasan terhadap pelaku usaha yang belum mendaftarkan pekerjanya ke BPJAMSOSTEK.",
    "Mendorong pelaku usaha dan pekerja mandiri yang sudah terdaftar untuk tertib iuran.",
    "Berkolaborasi dengan BPJAMSOSTEK setempat untuk memaksimalkan cakupan kepesertaan.",
    "Mendaftarkan seluruh pekerja honorer di lingkungan pemerintah kabupaten/kota.",
];

/// `n` synthetic draft visits (revision 0, never stored), the same for the same `seed`.
pub fn visits(n: usize, seed: u64) -> Vec<Visit> {
    let mut rng = Rng(seed ^ 0x5041_4E54_4155);
    (0..n).map(|_| visit(&mut rng)).collect()
}

/// The same visits as [`visits`], each as just created on another laptop (with its creation
/// event, dated when the visit was created): the content of a bundle, without a database.
pub fn histories(n: usize, seed: u64) -> Vec<VisitHistory> {
    visits(n, seed)
        .into_iter()
        .zip(1u128..)
        .map(|(v, i)| {
            let (event, at) = (Uuid::from_u128((u128::from(seed) << 64) + i), v.created);
            VisitHistory::created(v, event, at, "other")
        })
        .collect()
}

fn visit(rng: &mut Rng) -> Visit {
    let (code, name, province, zone) = DISTRICTS[rng.below(DISTRICTS.len())];
    let offset = FixedOffset::east_opt(zone * 3600).unwrap_or_else(|| chrono::Offset::fix(&Utc));
    let day = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default()
        + Duration::days(rng.below(1400) as i64);
    let hour = 8 + rng.below(8) as u32;
    let start = offset
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
        .single()
        .unwrap_or_else(|| offset.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let created = start.with_timezone(&Utc);
    let mut v = Visit::new(
        rng.id(created),
        District {
            code: code.into(),
            name: name.into(),
            province: province.into(),
        },
        created,
    );
    v.start = Some(start);
    v.venue = format!("Aula Kantor Bupati/Wali Kota, {name}");
    v.kind = [
        VisitKind::Audiensi,
        VisitKind::Monev,
        VisitKind::KunjunganLapangan,
    ][rng.below(3)];
    v.purpose = format!("Monitoring pelaksanaan Inpres No. 2/2021 di {name}.");
    v.team = vec![
        "Kantor Staf Presiden".into(),
        "Kemenko PMK".into(),
        "Sekretariat Kabinet".into(),
    ];
    for _ in 0..rng.around(15) {
        let (post, side, org) = POSTS[rng.below(POSTS.len())];
        let mut a = Attendee::new(
            rng.id(created),
            format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        );
        a.prefix_titles = rng.pick(PREFIX).into();
        a.suffix_titles = rng.pick(SUFFIX).into();
        a.side = side;
        a.post = post.into();
        a.organisation = org.into();
        a.presence = if rng.below(8) == 0 {
            Presence::Represented
        } else {
            Presence::InPerson
        };
        v.attendees.push(a);
    }
    for (i, text) in STRATEGIES.iter().enumerate() {
        v.strategies.push(Strategy {
            id: rng.id(created),
            standard: Some(i as u8 + 1),
            text: (*text).into(),
            status: StrategyStatus::ALL[rng.below(4)],
            commitment: "Menyusun rencana aksi bersama OPD terkait.".into(),
            person_in_charge: "Kepala Dinas Tenaga Kerja".into(),
            target_date: Some(day + Duration::days(90 + rng.below(180) as i64)),
            evidence: String::new(),
            notes: String::new(),
        });
    }
    for _ in 0..rng.around(6) {
        let raised_by =
            (!v.attendees.is_empty()).then(|| v.attendees[rng.below(v.attendees.len())].id);
        v.obstacles.push(Obstacle {
            id: rng.id(created),
            description: rng.pick(OBSTACLES).into(),
            category: ObstacleCategory::ALL[rng.below(ObstacleCategory::ALL.len())],
            severity: 1 + rng.below(3) as u8,
            raised_by,
            strategy: Some(v.strategies[rng.below(4)].id),
            notes: String::new(),
        });
    }
    for _ in 0..rng.below(3) {
        let by = (!v.attendees.is_empty()).then(|| v.attendees[0].id);
        v.handovers.push(Handover {
            id: rng.id(created),
            kind: HandoverKind::DeathBenefitClaim,
            recipient: format!("Ahli waris Alm. {} {}", rng.pick(FIRST), rng.pick(LAST)),
            subject: String::new(),
            employer: "Pemerintah Kabupaten".into(),
            amount: Some(42_000_000 + 1_000_000 * rng.below(30) as i64),
            handed_by: by.into_iter().collect(),
            notes: String::new(),
        });
    }
    let total = 500 + rng.below(5000) as i64;
    let part = rng.below(total as usize) as i64;
    v.answers.insert(
        "regulasi_anggaran.perda_ada".into(),
        Answer::new(AnswerValue::YesPartialNo(
            [YesPartialNo::Yes, YesPartialNo::Partial, YesPartialNo::No][rng.below(3)],
        )),
    );
    v.answers.insert(
        "regulasi_anggaran.apbd_rp".into(),
        Answer::new(AnswerValue::Money(100_000_000 * (1 + rng.below(50) as i64))),
    );
    v.answers.insert(
        "kepesertaan_non_asn.terdaftar".into(),
        Answer::new(AnswerValue::Ratio { part, whole: total }),
    );
    for i in 0..rng.around(20) {
        v.notes.push(Note {
            id: rng.id(created),
            at: start + Duration::minutes(5 * i as i64),
            section: Some("identitas".into()),
            text: rng.pick(NOTES).into(),
        });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_visits_are_deterministic_and_sound() {
        let a = visits(20, 7);
        assert_eq!(a, visits(20, 7));
        assert_ne!(a, visits(20, 8));
        for v in &a {
            assert!(v.problems().is_empty(), "{:?}", v.problems());
        }
        let attendees: usize = a.iter().map(|v| v.attendees.len()).sum();
        assert!((200..=400).contains(&attendees), "{attendees}");
    }
}
