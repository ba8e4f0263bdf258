//! The guide's parts built from the tree: choice lists, standard strategies, sections and
//! their questions.

use super::*;

/// A question as written, with the spans needed to locate cross-reference errors.
pub(super) struct RawQuestion {
    pub(super) question: Question,
    pub(super) id_span: Range<usize>,
    /// Whether the type was given and known (cross-checks skip the rest).
    pub(super) type_ok: bool,
    pub(super) when_span: Option<Range<usize>>,
    pub(super) when_question_span: Option<Range<usize>>,
    pub(super) part: Option<Sp<String>>,
    pub(super) whole: Option<Sp<String>>,
    pub(super) bind_span: Option<Range<usize>>,
}

pub(super) const TOP_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "description",
    "choices",
    "sections",
    "strategies",
];
pub(super) const SECTION_KEYS: &[&str] = &["id", "title", "hint", "kind", "min_items", "questions"];
pub(super) const QUESTION_KEYS: &[&str] = &[
    "id", "type", "label", "hint", "unit", "required", "when", "min", "max", "message", "choices",
    "part", "whole", "bind", "grouping",
];

pub(super) fn build(cx: &mut Cx<'_>, doc: &DeTable<'_>, doc_span: Range<usize>) -> Guide {
    // Missing top-level keys are reported at the start of the file.
    let _ = doc_span;
    let top = 0..0;
    cx.check_keys(doc, TOP_KEYS);
    let id = cx.ident(doc, &top, "id").map(|s| s.0).unwrap_or_default();
    let version = match cx.int(doc, "version") {
        Some((v, sp)) => match u32::try_from(v) {
            Ok(v) if v >= 1 => v,
            _ => {
                cx.err(sp, GuideErrorKind::BadVersion);
                0
            }
        },
        None => {
            if doc.get("version").is_none() {
                cx.missing(&top, "version");
            }
            0
        }
    };
    let title = cx.text(doc, &top, "title", true).unwrap_or_default();
    let description = cx.text(doc, &top, "description", false);
    let choices = choice_lists(cx, doc);
    let strategies = strategies(cx, doc);

    let mut raw_sections = Vec::new();
    let section_tables = cx.tables(doc, "sections");
    if section_tables.is_empty()
        && doc.get("sections").map(|v| v.get_ref().is_array()) != Some(false)
    {
        cx.err(top.clone(), GuideErrorKind::NoSections);
    }
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    for (st, span) in section_tables {
        raw_sections.push(section(cx, st, span, &choices, &mut section_ids));
    }

    // Question ids are unique across the guide: answers are keyed by them.
    let mut first: HashMap<String, usize> = HashMap::new();
    for (_, qs) in &raw_sections {
        for rq in qs {
            let line = cx.line(&rq.id_span);
            match first.get(&rq.question.id) {
                Some(&first_line) => cx.err(
                    rq.id_span.clone(),
                    GuideErrorKind::DuplicateQuestion {
                        id: rq.question.id.clone(),
                        first_line,
                    },
                ),
                None => {
                    if !rq.question.id.is_empty() {
                        first.insert(rq.question.id.clone(), line);
                    }
                }
            }
        }
    }
    let all: Vec<&RawQuestion> = raw_sections.iter().flat_map(|(_, qs)| qs.iter()).collect();
    cross_check(cx, &all);

    let sections = raw_sections
        .into_iter()
        .map(|(mut s, qs)| {
            s.questions = qs.into_iter().map(|rq| rq.question).collect();
            s
        })
        .collect();
    Guide {
        id,
        version,
        title,
        description,
        sections,
        choices,
        strategies,
    }
}

pub(super) fn choice_lists(cx: &mut Cx<'_>, doc: &DeTable<'_>) -> BTreeMap<String, ChoiceList> {
    let mut out = BTreeMap::new();
    let Some(v) = doc.get("choices") else {
        return out;
    };
    let Some(table) = v.get_ref().as_table() else {
        cx.wrong("choices", v, Expected::Table);
        return out;
    };
    for (name, lv) in table {
        let name_s = name.get_ref().to_string();
        if !valid_id(&name_s) {
            cx.err(name.span(), GuideErrorKind::BadId(name_s.clone()));
        }
        let Some(arr) = lv.get_ref().as_array() else {
            cx.wrong(&name_s, lv, Expected::Array);
            continue;
        };
        if arr.is_empty() {
            cx.err(name.span(), GuideErrorKind::EmptyChoiceList(name_s.clone()));
        }
        let mut keys = HashSet::new();
        let mut options = Vec::new();
        for item in arr {
            let Some(ot) = item.get_ref().as_table() else {
                cx.wrong(&name_s, item, Expected::Table);
                continue;
            };
            let span = item.span();
            cx.check_keys(ot, &["key", "label"]);
            let key = cx.ident(ot, &span, "key");
            let label = cx.text(ot, &span, "label", true).unwrap_or_default();
            if let Some((key, ksp)) = key {
                if !keys.insert(key.clone()) {
                    cx.err(
                        ksp,
                        GuideErrorKind::DuplicateOption {
                            list: name_s.clone(),
                            key: key.clone(),
                        },
                    );
                }
                options.push(ChoiceOption { key, label });
            }
        }
        out.insert(
            name_s.clone(),
            ChoiceList {
                id: name_s,
                options,
            },
        );
    }
    out
}

pub(super) fn strategies(cx: &mut Cx<'_>, doc: &DeTable<'_>) -> Vec<StandardStrategy> {
    let mut out: Vec<StandardStrategy> = Vec::new();
    for (st, span) in cx.tables(doc, "strategies") {
        cx.check_keys(st, &["number", "text"]);
        let number = cx.int(st, "number");
        if number.is_none() && st.get("number").is_none() {
            cx.missing(&span, "number");
        }
        let text = cx.text(st, &span, "text", true).unwrap_or_default();
        let Some((n, nsp)) = number else { continue };
        let Ok(n8) = u8::try_from(n)
            .map_err(|_| ())
            .and_then(|n| if n >= 1 { Ok(n) } else { Err(()) })
        else {
            cx.err(nsp, GuideErrorKind::BadStrategyNumber(n));
            continue;
        };
        if out.iter().any(|s| s.number == n8) {
            cx.err(nsp, GuideErrorKind::DuplicateStrategy(n));
            continue;
        }
        out.push(StandardStrategy { number: n8, text });
    }
    out
}

pub(super) fn section(
    cx: &mut Cx<'_>,
    st: &DeTable<'_>,
    span: Range<usize>,
    choices: &BTreeMap<String, ChoiceList>,
    ids: &mut HashMap<String, usize>,
) -> (Section, Vec<RawQuestion>) {
    cx.check_keys(st, SECTION_KEYS);
    let id = match cx.ident(st, &span, "id") {
        Some((id, sp)) => {
            let line = cx.line(&sp);
            if let Some(&first_line) = ids.get(&id) {
                cx.err(
                    sp,
                    GuideErrorKind::DuplicateSection {
                        id: id.clone(),
                        first_line,
                    },
                );
            } else {
                ids.insert(id.clone(), line);
            }
            id
        }
        None => String::new(),
    };
    let title = cx.text(st, &span, "title", true).unwrap_or_default();
    let hint = cx.text(st, &span, "hint", false);
    let kind = match cx.str(st, &span, "kind", false) {
        None => SectionKind::Questions,
        Some((k, sp)) => SectionKind::from_name(&k).unwrap_or_else(|| {
            cx.err(sp, GuideErrorKind::UnknownSectionKind(k));
            SectionKind::Questions
        }),
    };
    let min_items = match cx.int(st, "min_items") {
        None => 0,
        Some((n, sp)) => {
            if kind == SectionKind::Questions && st.get("kind").is_none() {
                cx.err(sp, GuideErrorKind::MinItemsOnQuestions);
                0
            } else if n < 0 {
                cx.wrong(
                    "min_items",
                    st.get("min_items").expect("present"),
                    Expected::Integer,
                );
                0
            } else {
                usize::try_from(n).unwrap_or(0)
            }
        }
    };
    let questions = cx
        .tables(st, "questions")
        .into_iter()
        .map(|(qt, qspan)| question(cx, qt, qspan, choices))
        .collect();
    (
        Section {
            id,
            title,
            hint,
            kind,
            min_items,
            questions: Vec::new(),
        },
        questions,
    )
}

pub(super) fn question(
    cx: &mut Cx<'_>,
    qt: &DeTable<'_>,
    span: Range<usize>,
    choices: &BTreeMap<String, ChoiceList>,
) -> RawQuestion {
    cx.check_keys(qt, QUESTION_KEYS);
    let (id, id_span) = cx
        .ident(qt, &span, "id")
        .unwrap_or((String::new(), span.clone()));
    let label = cx.text(qt, &span, "label", true).unwrap_or_default();
    let hint = cx.text(qt, &span, "hint", false);
    let unit = cx.text(qt, &span, "unit", false);
    let message = cx.text(qt, &span, "message", false);
    let required = cx.bool(qt, "required").unwrap_or(false);
    let grouping = cx.bool(qt, "grouping").unwrap_or(true);
    let min = cx.number(qt, "min");
    let max = cx.number(qt, "max");
    let part = cx.str(qt, &span, "part", false);
    let whole = cx.str(qt, &span, "whole", false);
    let choices_key = cx.str(qt, &span, "choices", false);

    let type_name = cx.str(qt, &span, "type", true);
    let type_span = type_name
        .as_ref()
        .map(|t| t.1.clone())
        .unwrap_or(span.clone());
    let mut type_ok = type_name.is_some();
    let kind = match type_name.as_ref().map(|(s, _)| s.as_str()) {
        None => QuestionType::Text,
        Some("yes_partial_no") => QuestionType::YesPartialNo,
        Some("number") => QuestionType::Number,
        Some("percentage") => QuestionType::Percentage,
        Some("money") => QuestionType::Money,
        Some("date") => QuestionType::Date,
        Some("datetime") => QuestionType::DateTime,
        Some("text") => QuestionType::Text,
        Some("long_text") => QuestionType::LongText,
        Some("attendee") => QuestionType::Attendee,
        Some("ratio") => {
            if part.is_none() && qt.get("part").is_none() {
                cx.missing(&span, "part");
            }
            if whole.is_none() && qt.get("whole").is_none() {
                cx.missing(&span, "whole");
            }
            QuestionType::Ratio {
                part: part.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
                whole: whole.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            }
        }
        Some(ty @ ("choice" | "choices")) => {
            let list = match &choices_key {
                None => {
                    if qt.get("choices").is_none() {
                        cx.missing(&span, "choices");
                    }
                    ChoiceList {
                        id: String::new(),
                        options: Vec::new(),
                    }
                }
                Some((name, sp)) => match choices.get(name) {
                    Some(l) => l.clone(),
                    None => {
                        cx.err(sp.clone(), GuideErrorKind::UnknownChoiceList(name.clone()));
                        ChoiceList {
                            id: name.clone(),
                            options: Vec::new(),
                        }
                    }
                },
            };
            if ty == "choice" {
                QuestionType::Choice(list)
            } else {
                QuestionType::Choices(list)
            }
        }
        Some(other) => {
            cx.err(
                type_span.clone(),
                GuideErrorKind::UnknownType(other.to_string()),
            );
            type_ok = false;
            QuestionType::Text
        }
    };

    // Keys the type does not use: almost always a mistake in the file.
    if type_ok {
        let ty = kind.name().to_string();
        let not_for = |cx: &mut Cx<'_>, key: &str| {
            if let Some((k, _)) = qt.get_key_value(key) {
                cx.err(
                    k.span(),
                    GuideErrorKind::KeyNotForType {
                        key: key.into(),
                        ty: ty.clone(),
                    },
                );
            }
        };
        if kind.choice_list().is_none() {
            not_for(cx, "choices");
        }
        if !matches!(kind, QuestionType::Ratio { .. }) {
            not_for(cx, "part");
            not_for(cx, "whole");
        }
        if !kind.is_numeric() {
            not_for(cx, "min");
            not_for(cx, "max");
        }
    }

    // Constraint sanity.
    if let (Some((lo, _)), Some((hi, hsp))) = (&min, &max)
        && lo > hi
    {
        cx.err(
            hsp.clone(),
            GuideErrorKind::MinGreaterThanMax { min: *lo, max: *hi },
        );
    }
    if matches!(kind, QuestionType::Percentage | QuestionType::Ratio { .. }) {
        for (x, sp) in [&min, &max].into_iter().flatten() {
            if !(0.0..=100.0).contains(x) {
                cx.err(sp.clone(), GuideErrorKind::PercentBounds(*x));
            }
        }
    }

    // Relevance.
    let mut when_span = None;
    let mut when_question_span = None;
    let when = match qt.get("when") {
        None => None,
        Some(wv) => match wv.get_ref().as_table() {
            None => {
                cx.wrong("when", wv, Expected::Table);
                None
            }
            Some(wt) => {
                let wspan = wv.span();
                when_span = Some(wspan.clone());
                cx.check_keys(wt, &["question", "in"]);
                let q = cx.str(wt, &wspan, "question", true);
                when_question_span = q.as_ref().map(|q| q.1.clone());
                let mut any_of = Vec::new();
                match wt.get("in") {
                    None => cx.missing(&wspan, "in"),
                    Some(iv) => match iv.get_ref().as_array() {
                        None => cx.wrong("in", iv, Expected::Array),
                        Some(arr) => {
                            if arr.is_empty() {
                                cx.err(iv.span(), GuideErrorKind::ConditionEmpty);
                            }
                            for item in arr {
                                match item.get_ref().as_str() {
                                    Some("yes") => any_of.push(YesPartialNo::Yes),
                                    Some("partial") => any_of.push(YesPartialNo::Partial),
                                    Some("no") => any_of.push(YesPartialNo::No),
                                    Some(other) => cx.err(
                                        item.span(),
                                        GuideErrorKind::ConditionBadValue(other.to_string()),
                                    ),
                                    None => cx.wrong("in", item, Expected::Text),
                                }
                            }
                        }
                    },
                }
                q.map(|(question, _)| Condition { question, any_of })
            }
        },
    };

    // Binding to a visit field.
    let mut bind_span = None;
    let bind = match cx.str(qt, &span, "bind", false) {
        None => None,
        Some((b, sp)) => {
            bind_span = Some(sp.clone());
            match Bind::from_name(&b) {
                None => {
                    cx.err(sp, GuideErrorKind::UnknownBind(b));
                    None
                }
                Some(bind) => {
                    if type_ok && !bind.accepts(&kind) {
                        cx.err(
                            type_span.clone(),
                            GuideErrorKind::BindType {
                                bind: b,
                                ty: kind.name().into(),
                                allowed: bind.type_names().into(),
                            },
                        );
                    }
                    if bind == Bind::Kind
                        && let QuestionType::Choice(list) = &kind
                    {
                        for o in &list.options {
                            if visit_kind_from_name(&o.key).is_none() {
                                cx.err(
                                    type_span.clone(),
                                    GuideErrorKind::BindKindOption(o.key.clone()),
                                );
                            }
                        }
                    }
                    Some(bind)
                }
            }
        }
    };

    RawQuestion {
        question: Question {
            id,
            kind,
            label,
            hint,
            unit,
            required,
            when,
            min: min.as_ref().map(|m| m.0),
            max: max.as_ref().map(|m| m.0),
            message,
            bind,
            grouping,
        },
        id_span,
        type_ok,
        when_span,
        when_question_span,
        part,
        whole,
        bind_span,
    }
}
