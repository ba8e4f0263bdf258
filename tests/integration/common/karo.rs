//! The Karo meeting of 17 March 2022 entered through the interview by key presses only, with
//! the regulation, budget and non-ASN answers a district gives in such a meeting (the figures
//! are illustrative: the news report quotes none).

use super::Harness;

/// Types the whole visit into a fresh interview and finalises it; returns the visit's id.
pub fn enter_by_keys(h: &mut Harness) -> uuid::Uuid {
    h.keys("n");
    let id = h.app.interview.as_ref().expect("interview").visit.id;
    // 1. Identity.
    h.keys("<enter>12.06 Kabupaten Karo<enter>");
    h.keys("<c-u>17/3/2022 14.00<enter>");
    h.keys("Aula Kantor Bupati Karo, Jalan Let Jen Jamin Ginting, Kabanjahe<enter>");
    h.keys("<enter>"); // kind: audiensi (already chosen)
    h.keys(
        "Audiensi optimalisasi Jaminan Sosial Ketenagakerjaan bagi pekerja rentan dan non-ASN<tab>",
    );
    h.keys("Sekretariat Kabinet, Kantor Staf Presiden, Kemenko PMK<enter><esc>");
    // 2. Attendees: name, prefix, suffix, post, organisation, side, presence, represented by.
    let people = [
        (
            "Cory Sriwaty Sebayang",
            "",
            "",
            "Bupati Karo",
            "Pemerintah Kabupaten Karo",
            "pemda",
        ),
        (
            "Theopilus Ginting",
            "",
            "",
            "Wakil Bupati Karo",
            "Pemerintah Kabupaten Karo",
            "pemda",
        ),
        (
            "Abetnego Tarigan",
            "",
            "",
            "Deputi II Bidang Pembangunan Manusia",
            "Kantor Staf Presiden",
            "tim",
        ),
        (
            "La Ode Muhamad Talib",
            "",
            "",
            "Kepala Bidang Asuransi Sosial",
            "Kemenko PMK",
            "tim",
        ),
        (
            "Aang Supono",
            "",
            "",
            "Kepala Kantor Cabang Medan Kota",
            "BPJAMSOSTEK",
            "bpjam",
        ),
    ];
    h.keys("2a");
    for (name, prefix, suffix, post, org, side) in people {
        h.keys(&format!(
            "{name}<enter>{prefix}<enter>{suffix}<enter>{post}<enter><c-u>{org}<enter>{side}<enter><enter><enter><tab>"
        ));
    }
    h.keys("<esc><esc>");
    // 1 again: the chair is picked from the attendees (Abetnego, the third).
    h.keys("gpimpinan<enter><enter><down><down><enter>");
    // 3. Regulation and budget.
    h.keys("3<enter>"); // regulation exists: yes
    h.keys("<enter><down><enter>"); // type: Perbup
    h.keys("Perbup Karo No. 12 Tahun 2022<enter>15/2/2022<enter>");
    h.keys("<down><down><enter>"); // sanctions: no
    h.keys("<enter><enter>"); // RKPD yes, APBD allocated yes
    h.keys("2.450.000.000<enter>2023<enter><esc>");
    // 4. Non-ASN coverage.
    h.keys("4<enter>4.812<enter>4.141<enter>"); // the coverage is computed, not typed
    // 7. An obstacle: description, category (budget), severity 3, raised by the Bupati, strategy 4.
    h.keys("7a");
    h.keys("Anggaran iuran pekerja rentan belum masuk APBD<tab>");
    h.keys("anggaran<enter><down><enter><down><enter><down><down><down><down><enter>Akan dibahas dengan Bappeda<tab><esc>");
    // 8. Strategy 4: in progress, commitment, person in charge, target date.
    h.keys("8jjj<enter>j<enter><down><enter>Mendaftarkan seluruh honorer pada APBD 2023<tab>Kepala BKPSDM<enter>31/12/2022<enter><esc><esc>");
    // 9. Handovers: two death-benefit claims and the certificates, by the Bupati and Deputi II.
    let handovers = [
        (
            "klaim",
            "Ahli waris Alm. Brian Adam Sitepu",
            "Brian Adam Sitepu",
            "Satpol PP Pemkab Karo",
        ),
        (
            "klaim",
            "Ahli waris Almh. Ruth Beru Sembiring Pelawi",
            "Ruth Beru Sembiring Pelawi",
            "CU Merdeka",
        ),
        ("sertif", "Perwakilan peserta BPJS Ketenagakerjaan", "", ""),
    ];
    h.keys("9");
    for (kind, recipient, subject, employer) in handovers {
        h.keys(&format!("a{kind}<enter>{recipient}<enter>{subject}<enter>{employer}<enter><enter> <down><down> <enter><tab><esc>"));
    }
    // 10. The national figure.
    h.keys(
        "0aPenduduk yang sudah memiliki jaminan sosial<enter>86<enter>%<enter>nasional<enter><tab><esc>",
    );
    // Two timed notes.
    h.keys("nDeputi II membuka diskusi dan menyampaikan empat strategi.<enter>");
    h.keys("nPenyerahan klaim santunan kematian dan sertifikat kepesertaan.<enter>");
    // 11. Follow-up (required answers).
    h.keys("<pgdn><enter>Pemkab Karo menyiapkan Perbup dan anggaran iuran<tab><tab><esc>");
    h.keys("genam bulanan<enter><enter><enter>");
    h.keys("FAudiensi singkat; data kepesertaan menyusul<enter>");
    id
}
