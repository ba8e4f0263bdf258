use super::*;

#[test]
fn positions_of_syntax_errors_are_lines_and_columns_from_one() {
    assert_eq!(line_col("ab\ncd", 0), (1, 1));
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    let (_, problems) = read(b"lang = \"en\"\n[keys]\n\"list.down\" = [\"j\"\n");
    assert!(
        matches!(problems[..], [Problem::Syntax { line: 3, .. }]),
        "{problems:?}"
    );
}

#[test]
fn one_bad_line_at_the_top_keeps_the_other_lines() {
    let (config, problems) = read(b"lang = \"en\"\nguide = \"g.toml\nx = 1 = 2\n");
    assert_eq!(config.lang, Some(Lang::En));
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn only_the_exact_language_codes_are_taken() {
    for bad in ["xx", "english", "EN", ""] {
        let (config, problems) = read(format!("lang = {bad:?}\n").as_bytes());
        assert_eq!(config.lang, None, "{bad}");
        assert_eq!(problems, [Problem::Lang(bad.to_string())]);
    }
    let (config, _) = read(b"lang = 3\n");
    assert_eq!(config.lang, None);
}

#[test]
fn retention_months_is_a_whole_number_above_zero() {
    let (c, problems) = read(b"retention_months = 60\n");
    assert_eq!(c.retention_months, Some(60));
    assert!(problems.is_empty());
    for bad in [
        "retention_months = 0\n",
        "retention_months = \"lima\"\n",
        "retention_months = -3\n",
    ] {
        let (c, problems) = read(bad.as_bytes());
        assert_eq!(c.retention_months, None, "{bad}");
        assert!(
            matches!(problems.as_slice(), [Problem::NotCount(_)]),
            "{bad}: {problems:?}"
        );
    }
}

#[test]
fn lock_after_minutes_is_minutes_zero_is_never_and_a_bad_value_keeps_the_default() {
    use std::time::Duration;
    let (config, problems) = read(b"");
    assert!(problems.is_empty());
    assert_eq!(config.lock_after(), Some(Duration::from_secs(600)));
    let (config, _) = read(b"lock_after_minutes = 3\n");
    assert_eq!(config.lock_after(), Some(Duration::from_secs(180)));
    let (config, _) = read(b"lock_after_minutes = 0.05\n");
    assert_eq!(config.lock_after(), Some(Duration::from_secs(3)));
    let (config, _) = read(b"lock_after_minutes = 0\n");
    assert_eq!(config.lock_after(), None);
    for bad in ["-1", "\"10\"", "nan", "true"] {
        let (config, problems) = read(format!("lock_after_minutes = {bad}\n").as_bytes());
        assert_eq!(config.lock_after(), Some(Duration::from_secs(600)), "{bad}");
        assert!(
            matches!(problems[..], [Problem::LockAfter(_)]),
            "{bad}: {problems:?}"
        );
    }
}
