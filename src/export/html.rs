//! The report as one self-contained HTML file: no scripts, fonts or images from elsewhere,
//! every text escaped, and print CSS for A4.

use std::fmt::Write;

use super::report::{Block, Report, sign_number};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let s = crate::format::glue_units(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' => o.push_str("<br>"),
            c => o.push(crate::format::inert_char(c, &crate::format::REPORT_KEEPS)),
        }
    }
    o
}

const CSS: &str = r#"
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt;
  line-height: 1.4; color: #111; max-width: 178mm; margin: 0 auto; padding: 12mm 0; }
header { border-bottom: 2px solid #1d3557; margin-bottom: 6mm; padding-bottom: 3mm; }
h1 { font-size: 18pt; margin: 0; color: #1d3557; }
.subtitle { font-size: 12pt; margin: 1mm 0 0; }
.stamp { display: inline-block; border: 2px solid #b00020; color: #b00020; font-weight: bold;
  padding: 0 3mm; margin-top: 2mm; letter-spacing: .1em; }
h2 { font-size: 13pt; color: #1d3557; border-bottom: 1px solid #a8b4c4; margin: 7mm 0 2mm;
  padding-bottom: 1mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
dl { display: grid; grid-template-columns: 42mm 1fr; gap: 1mm 4mm; margin: 0; }
dt { font-weight: bold; color: #333; }
dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9.5pt; }
thead { display: table-header-group; }
th, td { border: 1px solid #b9c2cf; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #e8edf3; }
tr { break-inside: avoid; page-break-inside: avoid; }
.remark { color: #555; font-style: italic; }
.warning { border-left: 4px solid #b00020; background: #fdecee; padding: 2mm 3mm; }
.formal header { text-align: center; border-bottom: 3px double #111; }
.formal h1 { color: #111; font-size: 15pt; letter-spacing: .04em; }
.formal h2 { color: #111; border-bottom: none; font-size: 11.5pt; }
.formal { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 12pt; }
.formal p { text-align: justify; }
.formal header p { text-align: center; }
.signatures { display: flex; justify-content: space-around; gap: 10mm; margin-top: 6mm;
  break-inside: avoid; page-break-inside: avoid; }
.signature { text-align: center; min-width: 60mm; }
.signature .room { height: 22mm; }
.signature .name { font-weight: bold; text-decoration: underline; }
.attendance td { height: 11mm; vertical-align: middle; }
.attendance td.sign { width: 38mm; }
.attendance td.sign.right { text-align: right; }
footer { margin-top: 8mm; border-top: 1px solid #a8b4c4; padding-top: 2mm; font-size: 8.5pt;
  color: #555; }
@media print {
  body { padding: 0; max-width: none; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .warning, .stamp { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {}</title>\n<style>{CSS}</style>\n</head>\n<body{}>\n<header>\n<h1>{}</h1>\n\
         <p class=\"subtitle\">{}</p>\n",
        r.lang.code(),
        esc(&r.title),
        esc(&r.subtitle),
        if r.formal { " class=\"formal\"" } else { "" },
        esc(&r.title),
        esc(&r.subtitle)
    );
    if !r.stamp.is_empty() {
        let _ = writeln!(o, "<span class=\"stamp\">{}</span>", esc(&r.stamp));
    }
    o.push_str("</header>\n");
    for s in &r.sections {
        o.push_str("<section>\n");
        if !s.title.is_empty() {
            let _ = writeln!(o, "<h2>{}</h2>", esc(&s.title));
        }
        for b in &s.blocks {
            match b {
                Block::Fields(fields) => {
                    o.push_str("<dl>\n");
                    for (k, v) in fields {
                        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
                    }
                    o.push_str("</dl>\n");
                }
                Block::Table { head, rows } => {
                    o.push_str("<table>\n<thead><tr>");
                    for h in head {
                        let _ = write!(o, "<th>{}</th>", esc(h));
                    }
                    o.push_str("</tr></thead>\n<tbody>\n");
                    for row in rows {
                        o.push_str("<tr>");
                        for c in row {
                            let _ = write!(o, "<td>{}</td>", esc(c));
                        }
                        o.push_str("</tr>\n");
                    }
                    o.push_str("</tbody>\n</table>\n");
                }
                Block::Subheading(t) => {
                    let _ = writeln!(o, "<h3>{}</h3>", esc(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(o, "<p>{}</p>", esc(t));
                }
                Block::Remark(t) => {
                    let _ = writeln!(o, "<p class=\"remark\">{}</p>", esc(t));
                }
                Block::Warning(t) => {
                    let _ = writeln!(o, "<p class=\"warning\">{}</p>", esc(t));
                }
                Block::Signatures(signs) => {
                    o.push_str("<div class=\"signatures\">\n");
                    for sg in signs {
                        let _ = writeln!(
                            o,
                            "<div class=\"signature\"><div>{}</div><div class=\"room\"></div>\
                             <div class=\"name\">{}</div><div>{}</div><div>{}</div></div>",
                            esc(&sg.caption),
                            esc(&sg.name),
                            esc(&sg.position),
                            esc(&sg.nip)
                        );
                    }
                    o.push_str("</div>\n");
                }
                Block::Attendance { head, rows } => {
                    o.push_str("<table class=\"attendance\">\n<thead><tr>");
                    for h in head {
                        let _ = write!(o, "<th>{}</th>", esc(h));
                    }
                    o.push_str("</tr></thead>\n<tbody>\n");
                    for (i, row) in rows.iter().enumerate() {
                        o.push_str("<tr>");
                        let last = row.len().saturating_sub(1);
                        for (j, c) in row.iter().enumerate() {
                            if j == last {
                                let (n, left) = sign_number(i);
                                let side = if left { "left" } else { "right" };
                                let _ = write!(o, "<td class=\"sign {side}\">{n}.</td>");
                            } else {
                                let _ = write!(o, "<td>{}</td>", esc(c));
                            }
                        }
                        o.push_str("</tr>\n");
                    }
                    o.push_str("</tbody>\n</table>\n");
                }
            }
        }
        o.push_str("</section>\n");
    }
    let _ = write!(o, "<footer>{}</footer>\n</body>\n</html>\n", esc(&r.footer));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn escape_sequences_are_made_inert() {
        assert_eq!(esc("a\u{1b}[2Jb\u{7}c\td"), "a·[2Jb·c\td");
    }
}
