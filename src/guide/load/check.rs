//! Checks that need every question at once: conditions, ratios, duplicate binds.

use super::*;

/// Checks that need every question: conditions, ratios, duplicate binds.
pub(super) fn cross_check(cx: &mut Cx<'_>, all: &[&RawQuestion]) {
    let by_id: HashMap<&str, &RawQuestion> = all
        .iter()
        .filter(|q| !q.question.id.is_empty())
        .map(|q| (q.question.id.as_str(), *q))
        .rev() // the first definition wins, as for duplicate reporting
        .collect();

    let (cyclic, _) = crate::guide::cycles::members(by_id.keys().copied(), |id| {
        let target = by_id.get(id)?.question.when.as_ref()?.question.as_str();
        by_id.get_key_value(target).map(|(k, _)| *k)
    });
    let mut binds: HashSet<Bind> = HashSet::new();
    for rq in all {
        let q = &rq.question;
        if let Some(c) = &q.when {
            let sp = rq
                .when_question_span
                .clone()
                .or_else(|| rq.when_span.clone())
                .unwrap_or(rq.id_span.clone());
            match by_id.get(c.question.as_str()) {
                None => cx.err(
                    sp,
                    GuideErrorKind::ConditionUnknownQuestion(c.question.clone()),
                ),
                Some(target) => {
                    if target.type_ok && target.question.kind != QuestionType::YesPartialNo {
                        cx.err(
                            sp,
                            GuideErrorKind::ConditionNotYesNo {
                                question: c.question.clone(),
                                ty: target.question.kind.name().into(),
                            },
                        );
                    } else if cyclic.contains(q.id.as_str()) {
                        cx.err(sp, GuideErrorKind::ConditionCycle(c.question.clone()));
                    }
                }
            }
        }
        if matches!(q.kind, QuestionType::Ratio { .. }) {
            for (name, sp) in [&rq.part, &rq.whole].into_iter().flatten() {
                match by_id.get(name.as_str()) {
                    None => cx.err(
                        sp.clone(),
                        GuideErrorKind::RatioUnknownQuestion(name.clone()),
                    ),
                    Some(target) => {
                        if target.type_ok
                            && !matches!(
                                target.question.kind,
                                QuestionType::Number | QuestionType::Money
                            )
                        {
                            cx.err(
                                sp.clone(),
                                GuideErrorKind::RatioNotNumeric {
                                    question: name.clone(),
                                    ty: target.question.kind.name().into(),
                                },
                            );
                        }
                    }
                }
            }
            if let (Some((p, _)), Some((w, wsp))) = (&rq.part, &rq.whole)
                && p == w
            {
                cx.err(wsp.clone(), GuideErrorKind::RatioSameQuestion);
            }
        }
        if let (Some(b), Some(sp)) = (q.bind, &rq.bind_span)
            && !binds.insert(b)
        {
            cx.err(sp.clone(), GuideErrorKind::DuplicateBind(b.name().into()));
        }
    }
}
