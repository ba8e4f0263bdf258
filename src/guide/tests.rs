use super::*;
use crate::i18n::Lang;

#[test]
fn shipped_guide_parses_and_validates_clean() {
    let g = match load_default() {
        Ok(g) => g,
        Err(errs) => panic!(
            "{}",
            errs.iter()
                .map(|e| e.display("inpres-2-2021.toml", Lang::En))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    assert_eq!(g.id, "inpres-2-2021");
    assert_eq!(g.version, 1);
}
