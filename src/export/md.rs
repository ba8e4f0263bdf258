//! The report as Markdown (GitHub-flavoured tables).

use std::fmt::Write;

use super::report::{Block, Report, Signature, sign_number};

/// The signature cell of row `i`: odd numbers sign on the left, even ones on the right.
fn sign_cell(i: usize) -> String {
    let (n, left) = sign_number(i);
    if left {
        format!("{n}. ……………………")
    } else {
        format!("…………………… {n}.")
    }
}

/// Table cells and inline text, shown as typed: the characters Markdown would take for
/// formatting or raw HTML are escaped, control characters made inert, line breaks kept as `<br>`.
fn cell(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '<' | '>' | '*' | '_' | '`' | '[' | ']' => {
                o.push('\\');
                o.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => o.push_str("<br>"),
            c => o.push(crate::format::inert_char(c, &crate::format::REPORT_KEEPS)),
        }
    }
    o
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", cell(&r.title));
    let _ = writeln!(o, "**{}**\n", cell(&r.subtitle));
    if !r.stamp.is_empty() {
        let _ = writeln!(o, "> **{}**\n", cell(&r.stamp));
    }
    for s in &r.sections {
        if !s.title.is_empty() {
            let _ = writeln!(o, "## {}\n", cell(&s.title));
        }
        for b in &s.blocks {
            match b {
                Block::Fields(fields) => {
                    for (k, v) in fields {
                        let _ = writeln!(o, "- **{}:** {}", cell(k), cell(v));
                    }
                    o.push('\n');
                }
                Block::Table { head, rows } => {
                    let _ = writeln!(
                        o,
                        "| {} |",
                        head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
                    );
                    let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                    for row in rows {
                        let _ = writeln!(
                            o,
                            "| {} |",
                            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                        );
                    }
                    o.push('\n');
                }
                Block::Subheading(t) => {
                    let _ = writeln!(o, "### {}\n", cell(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(o, "{}\n", cell(t));
                }
                Block::Remark(t) => {
                    let _ = writeln!(o, "_{}_\n", cell(t));
                }
                Block::Warning(t) => {
                    let _ = writeln!(o, "> ⚠ **{}**\n", cell(t));
                }
                Block::Signatures(signs) => {
                    let row = |f: &dyn Fn(&Signature) -> String| {
                        let cells: Vec<String> = signs.iter().map(f).collect();
                        format!("| {} |", cells.join(" | "))
                    };
                    let _ = writeln!(o, "{}", row(&|s| cell(&s.caption)));
                    let _ = writeln!(o, "|{}", ":---:|".repeat(signs.len()));
                    let _ = writeln!(o, "{}", row(&|_| "<br><br><br>".to_string()));
                    let _ = writeln!(o, "{}", row(&|s| format!("**{}**", cell(&s.name))));
                    let _ = writeln!(o, "{}", row(&|s| cell(&s.position)));
                    if signs.iter().any(|s| !s.nip.is_empty()) {
                        let _ = writeln!(o, "{}", row(&|s| cell(&s.nip)));
                    }
                    o.push('\n');
                }
                Block::Attendance { head, rows } => {
                    let _ = writeln!(
                        o,
                        "| {} |",
                        head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
                    );
                    let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                    for (i, row) in rows.iter().enumerate() {
                        let mut cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                        if let Some(last) = cells.last_mut() {
                            *last = sign_cell(i);
                        }
                        let _ = writeln!(o, "| {} |", cells.join(" | "));
                    }
                    o.push('\n');
                }
            }
        }
    }
    let _ = writeln!(o, "---\n\n_{}_", cell(&r.footer));
    o
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_show_text_as_typed_and_nothing_else() {
        assert_eq!(
            cell("a|b\r\nc\rd\u{1b}[31m<script>*x*_y_`z`[l](u)\\"),
            "a\\|b<br>c<br>d·\\[31m\\<script\\>\\*x\\*\\_y\\_\\`z\\`\\[l\\](u)\\\\"
        );
        assert_eq!(
            cell("Kabupaten Karo 🙂\tKabanjahe"),
            "Kabupaten Karo 🙂\tKabanjahe"
        );
    }
}
