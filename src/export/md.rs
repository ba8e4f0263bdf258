//! The report as Markdown (GitHub-flavoured tables).

use std::fmt::Write;

use super::report::{Block, Report};

/// Table cells and inline text: pipes escaped, line breaks kept as `<br>`.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", cell(&r.title));
    let _ = writeln!(o, "**{}**\n", cell(&r.subtitle));
    if !r.stamp.is_empty() {
        let _ = writeln!(o, "> **{}**\n", cell(&r.stamp));
    }
    for s in &r.sections {
        let _ = writeln!(o, "## {}\n", cell(&s.title));
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
            }
        }
    }
    let _ = writeln!(o, "---\n\n_{}_", cell(&r.footer));
    o
}
