//! A document as a Word file (DOCX) through `docx-rs`: A4 pages, real heading styles (they show
//! in Word's navigation pane), tables with a repeated header row, signature blocks.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    Shading, ShdType, Style, StyleType, Table, TableCell, TableRow, WidthType,
};

use super::ExportError;
use super::report::{Block, Report, Signature, sign_number};

/// A4 in twentieths of a point, and 2 cm margins.
const A4: (u32, u32) = (11_906, 16_838);
const MARGIN: i32 = 1_134;
const TEXT_WIDTH: usize = (A4.0 as usize) - 2 * (MARGIN as usize);

/// Text as a run: control characters made inert (XML cannot hold them), line breaks kept.
fn run(text: &str) -> Run {
    let mut r = Run::new();
    let text = crate::format::glue_units(text);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        let clean: String = line
            .chars()
            .filter(|c| *c != '\r')
            .map(|c| crate::format::inert_char(c, &['\t']))
            .collect();
        r = r.add_text(clean);
    }
    r
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn styles(d: Docx, formal: bool) -> Docx {
    let font = if formal { "Times New Roman" } else { "Arial" };
    let fonts = || RunFonts::new().ascii(font).hi_ansi(font).cs(font);
    d.default_fonts(fonts())
        .default_size(if formal { 24 } else { 21 })
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(if formal { 30 } else { 34 })
                .bold()
                .fonts(fonts()),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .size(if formal { 24 } else { 26 })
                .bold()
                .outline_lvl(0)
                .fonts(fonts()),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .size(22)
                .bold()
                .outline_lvl(1)
                .fonts(fonts()),
        )
}

/// How a document's tables are set: the report packs seven-column tables in a smaller sans
/// face; the formal documents keep the body's 12 pt serif.
#[derive(Clone, Copy)]
struct Look {
    /// Half-points of the text in table cells.
    size: usize,
    /// Twips an average character takes at that size, padding aside.
    per_char: usize,
}

const REPORT_LOOK: Look = Look {
    size: 18,
    per_char: 105,
};
const FORMAL_LOOK: Look = Look {
    size: 24,
    per_char: 130,
};

/// Column widths. A header word is never broken ("Komitmen", "Penanggung"): its width is kept
/// whatever the table. Body columns want their longest word (up to 14 letters) too; when the
/// page is too narrow for all of that, only what body words ask beyond their header gives way.
/// The rest is shared by how long the cells are.
fn grid(head: &[String], rows: &[Vec<String>], look: Look) -> Vec<usize> {
    let n = head.len().max(1);
    let longest = |texts: &mut dyn Iterator<Item = &String>| {
        texts
            .flat_map(|c| c.split_whitespace())
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(1)
    };
    let pad = 260;
    // Header cells are bold: a tenth wider.
    let hard: Vec<usize> = (0..n)
        .map(|j| longest(&mut head.get(j).into_iter()) * look.per_char * 11 / 10 + pad)
        .collect();
    let soft: Vec<usize> = (0..n)
        .map(|j| {
            let body = longest(&mut rows.iter().filter_map(|r| r.get(j))).min(14);
            (body * look.per_char + pad).saturating_sub(hard[j])
        })
        .collect();
    let hard_sum: usize = hard.iter().sum();
    if hard_sum >= TEXT_WIDTH {
        return hard.iter().map(|m| m * TEXT_WIDTH / hard_sum).collect();
    }
    let soft_sum: usize = soft.iter().sum();
    let room = TEXT_WIDTH - hard_sum;
    let min: Vec<usize> = if soft_sum > room {
        hard.iter()
            .zip(&soft)
            .map(|(h, s)| h + s * room / soft_sum.max(1))
            .collect()
    } else {
        hard.iter().zip(&soft).map(|(h, s)| h + s).collect()
    };
    let weights: Vec<usize> = (0..n)
        .map(|j| {
            rows.iter()
                .filter_map(|r| r.get(j))
                .chain(head.get(j))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(1)
                .clamp(1, 60)
        })
        .collect();
    let spare = TEXT_WIDTH.saturating_sub(min.iter().sum());
    let total: usize = weights.iter().sum::<usize>().max(1);
    min.iter()
        .zip(&weights)
        .map(|(m, w)| m + spare * w / total)
        .collect()
}

fn cell(text: &str, width: usize, look: Look) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(run(text).size(look.size)))
}

fn head_row(head: &[String], widths: &[usize], look: Look) -> TableRow {
    TableRow::new(
        head.iter()
            .zip(widths)
            .map(|(h, w)| {
                TableCell::new()
                    .width(*w, WidthType::Dxa)
                    .shading(Shading::new().shd_type(ShdType::Clear).fill("E8EDF3"))
                    .add_paragraph(Paragraph::new().add_run(run(h).bold().size(look.size)))
            })
            .collect(),
    )
    .cant_split()
}

fn table(head: &[String], rows: &[Vec<String>], look: Look) -> Table {
    let widths = grid(head, rows, look);
    let mut out = vec![head_row(head, &widths, look)];
    for r in rows {
        out.push(
            TableRow::new(
                r.iter()
                    .zip(&widths)
                    .map(|(c, w)| cell(c, *w, look))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(out).set_grid(widths)
}

fn attendance(head: &[String], rows: &[Vec<String>], look: Look) -> Table {
    let mut widths = grid(head, rows, look);
    // Room to sign, whatever the names' lengths.
    if let Some(last) = widths.last_mut() {
        *last = TEXT_WIDTH / 4;
    }
    let rest: usize = TEXT_WIDTH - TEXT_WIDTH / 4;
    let others: usize = widths[..widths.len() - 1].iter().sum::<usize>().max(1);
    let n = widths.len();
    for w in &mut widths[..n - 1] {
        *w = *w * rest / others;
    }
    let mut out = vec![head_row(head, &widths, look)];
    for (i, r) in rows.iter().enumerate() {
        let last = r.len().saturating_sub(1);
        let cells = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(j, (c, w))| {
                if j == last {
                    let (num, left) = sign_number(i);
                    let align = if left {
                        AlignmentType::Left
                    } else {
                        AlignmentType::Right
                    };
                    TableCell::new().width(*w, WidthType::Dxa).add_paragraph(
                        Paragraph::new()
                            .add_run(run(&format!("{num}.")).size(look.size))
                            .align(align),
                    )
                } else {
                    cell(c, *w, look)
                }
            })
            .collect();
        out.push(TableRow::new(cells).row_height(620.0).cant_split());
    }
    Table::new(out).set_grid(widths)
}

fn signatures(signs: &[Signature]) -> Table {
    let w = TEXT_WIDTH / signs.len().max(1);
    let centred = |text: &str| para(text).align(AlignmentType::Center);
    let cells = signs
        .iter()
        .map(|s| {
            let mut c = TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(centred(&s.caption));
            for _ in 0..3 {
                c = c.add_paragraph(Paragraph::new());
            }
            c = c
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run(&s.name).bold().underline("single")),
                )
                .add_paragraph(centred(&s.position));
            if !s.nip.is_empty() {
                c = c.add_paragraph(centred(&s.nip));
            }
            c
        })
        .collect();
    Table::without_borders(vec![TableRow::new(cells).cant_split()]).set_grid(vec![w; signs.len()])
}

fn fields(pairs: &[(String, String)]) -> Table {
    let widths = vec![TEXT_WIDTH * 3 / 10, TEXT_WIDTH * 7 / 10];
    let rows = pairs
        .iter()
        .map(|(k, v)| {
            TableRow::new(vec![
                TableCell::new()
                    .width(widths[0], WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(run(k).bold())),
                TableCell::new()
                    .width(widths[1], WidthType::Dxa)
                    .add_paragraph(para(v)),
            ])
        })
        .collect();
    Table::without_borders(rows).set_grid(widths)
}

pub fn render(r: &Report) -> Result<Vec<u8>, ExportError> {
    let look = if r.formal { FORMAL_LOOK } else { REPORT_LOOK };
    let align = if r.formal {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    };
    let mut d = styles(Docx::new(), r.formal)
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .footer(Footer::new().add_paragraph(Paragraph::new().add_run(run(&r.footer).size(16))))
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .align(align)
                .add_run(run(&r.title)),
        )
        .add_paragraph(para(&r.subtitle).align(align));
    if !r.stamp.is_empty() {
        d = d.add_paragraph(
            Paragraph::new()
                .align(align)
                .add_run(run(&r.stamp).bold().color("B00020")),
        );
    }
    let spaced = || LineSpacing::new().before(120).after(60);
    for s in &r.sections {
        if !s.title.is_empty() {
            d = d.add_paragraph(
                Paragraph::new()
                    .style("Heading1")
                    .keep_next(true)
                    .line_spacing(LineSpacing::new().before(240).after(80))
                    .add_run(run(&s.title)),
            );
        }
        // The closing lines stay on the page of the signatures they introduce.
        let signed = s.blocks.iter().any(|b| matches!(b, Block::Signatures(_)));
        for b in &s.blocks {
            d = match b {
                Block::Fields(pairs) => d.add_table(fields(pairs)),
                Block::Table { head, rows } => d.add_table(table(head, rows, look)),
                Block::Subheading(t) => d.add_paragraph(
                    Paragraph::new()
                        .style("Heading2")
                        .keep_next(true)
                        .line_spacing(spaced())
                        .add_run(run(t)),
                ),
                Block::Paragraph(t) => d.add_paragraph(
                    para(t)
                        .line_spacing(spaced())
                        .keep_next(signed)
                        .align(AlignmentType::Both),
                ),
                Block::Remark(t) => d.add_paragraph(
                    Paragraph::new()
                        .add_run(run(t).italic())
                        .line_spacing(spaced()),
                ),
                Block::Warning(t) => d.add_paragraph(
                    Paragraph::new()
                        .line_spacing(spaced())
                        .add_run(run(t).bold().color("B00020")),
                ),
                Block::Signatures(signs) => d.add_table(signatures(signs)),
                Block::Attendance { head, rows } => d.add_table(attendance(head, rows, look)),
            };
            // Word joins adjacent tables into one; a paragraph between keeps them apart.
            if matches!(
                b,
                Block::Fields(_) | Block::Table { .. } | Block::Attendance { .. }
            ) {
                d = d.add_paragraph(Paragraph::new());
            }
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut buf)
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// The report's strategy table, seven columns with long texts: the widths sum to the page,
    /// and no header word is squeezed below what it needs (it broke as "Komitme|n" before).
    #[test]
    fn header_words_keep_their_width_in_a_crowded_table() {
        let head = s(&[
            "No.",
            "Strategi",
            "Status",
            "Komitmen",
            "Penanggung jawab",
            "Target",
            "Catatan",
        ]);
        let long = "Berkolaborasi dengan BPJAMSOSTEK setempat untuk memaksimalkan cakupan \
                    kepesertaan, terutama pekerja rentan (petani, pedagang, mandiri).";
        let rows = vec![s(&[
            "1",
            long,
            "belum",
            "–",
            "–",
            "–",
            "Direkomendasikan oleh Deputi II KSP pada audiensi.",
        ])];
        let w = grid(&head, &rows, REPORT_LOOK);
        assert!(w.iter().sum::<usize>() <= TEXT_WIDTH);
        assert!(w.iter().sum::<usize>() > TEXT_WIDTH - head.len());
        for (h, width) in head.iter().zip(&w) {
            let word = h
                .split_whitespace()
                .map(|x| x.chars().count())
                .max()
                .unwrap();
            assert!(
                *width >= word * REPORT_LOOK.per_char * 11 / 10 + 260,
                "{h}: {width}"
            );
        }
        // Long texts get the room the short columns leave.
        assert!(w[1] > 2 * w[2] && w[6] > 2 * w[5], "{w:?}");
    }
}
