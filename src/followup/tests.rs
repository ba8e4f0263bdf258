use super::fixtures::{self, id, today};
use super::overview::{DEFAULT_INDICATORS, Overview};
use super::*;
use crate::domain::{ObstacleCategory, VisitStatus};

fn board() -> FollowUps {
    FollowUps::build(fixtures::visits().iter().map(VisitFacts::from).collect())
}

/// (visit number, strategy number or 0 for follow-up answers) of the filtered items.
fn rows(f: &FollowUps, filter: &Filter) -> Vec<(u128, u8)> {
    f.filter(filter, today())
        .into_iter()
        .map(|n| {
            let i = &f.items[n];
            let v = f.facts[i.visit].id.as_u128() - id(0).as_u128();
            let s = match f.which(i) {
                Which::Standard(n) => n,
                _ => 0,
            };
            (v, s)
        })
        .collect()
}

#[test]
fn exactly_two_items_are_overdue_and_superseded_ones_do_not_count() {
    let f = board();
    let overdue = Filter {
        due: Due::Overdue,
        ..Filter::default()
    };
    // D2 strategy 4 (due 31 May) before K3 strategy 1 (due 1 June).
    assert_eq!(rows(&f, &overdue), vec![(5, 4), (3, 1)]);
    assert_eq!(f.overdue_count(today()), 2);
    // Earlier visits' items are not overdue themselves: K2's strategy 1 (due 2023-09-30, in
    // progress then) and D1's follow-up answers were taken up again at K3 and D2.
    let with_history = Filter {
        include_superseded: true,
        ..overdue
    };
    assert_eq!(rows(&f, &with_history), vec![(5, 4), (3, 1)]);
}

#[test]
fn current_items_are_sorted_by_target_date_undated_last() {
    let f = board();
    assert_eq!(
        rows(&f, &Filter::default()),
        vec![
            (5, 1), // 2024-01-31 done
            (7, 1), // 2024-04-01 done
            (5, 4), // 2024-05-31
            (3, 1), // 2024-06-01
            (5, 3), // 2024-07-15
            (5, 0), // 2024-08-31 follow-up answers
            (3, 2), // 2024-12-31
        ]
    );
}

#[test]
fn due_within_status_strategy_and_place_filters() {
    let f = board();
    let within = |days| Filter {
        due: Due::Within(days),
        ..Filter::default()
    };
    assert_eq!(rows(&f, &within(7)), vec![]);
    assert_eq!(rows(&f, &within(30)), vec![(5, 3)]);
    assert_eq!(rows(&f, &within(62)), vec![(5, 3), (5, 0)]);
    let status = Filter {
        status: StatusFilter::Is(StrategyStatus::Done),
        ..Filter::default()
    };
    assert_eq!(rows(&f, &status), vec![(5, 1), (7, 1)]);
    let open = Filter {
        status: StatusFilter::Open,
        ..Filter::default()
    };
    assert_eq!(
        rows(&f, &open),
        vec![(5, 4), (3, 1), (5, 3), (5, 0), (3, 2)]
    );
    let s1 = Filter {
        which: Some(Which::Standard(1)),
        ..Filter::default()
    };
    assert_eq!(rows(&f, &s1), vec![(5, 1), (7, 1), (3, 1)]);
    let fu = Filter {
        which: Some(Which::FollowUp),
        include_superseded: true,
        ..Filter::default()
    };
    assert_eq!(rows(&f, &fu), vec![(4, 0), (5, 0)]);
    let place = |p: &str| Filter {
        place: p.into(),
        ..Filter::default()
    };
    assert_eq!(rows(&f, &place("51")), vec![(7, 1)]);
    assert_eq!(rows(&f, &place("KARO")), vec![(3, 1), (3, 2)]);
    assert_eq!(rows(&f, &place("sumatera")).len(), 6);
}

#[test]
fn open_items_from_earlier_visits_for_the_next_visit() {
    let f = board();
    let d2 = f.visit(id(5)).unwrap().when();
    let open: Vec<_> = f
        .open_before("12.11", d2)
        .into_iter()
        .map(|n| f.which(&f.items[n]))
        .collect();
    // D1 left all four strategies not started and its follow-up answers open.
    assert_eq!(open.len(), 5, "{open:?}");
    let k3 = f.visit(id(3)).unwrap().when();
    let open: Vec<_> = f
        .open_before("12.06", k3)
        .into_iter()
        .map(|n| (f.facts[f.items[n].visit].id, f.which(&f.items[n])))
        .collect();
    // Newest state before K3: K2 (S1 in progress, S2 not started; S3 and S4 done).
    assert_eq!(
        open,
        vec![(id(2), Which::Standard(1)), (id(2), Which::Standard(2))]
    );
}

#[test]
fn upsert_replaces_one_visit_and_rederives_items() {
    let mut f = board();
    let mut v = fixtures::visits().remove(2);
    v.strategies[0].status = StrategyStatus::Done;
    f.upsert(VisitFacts::from(&v));
    assert_eq!(f.overdue_count(today()), 1);
    assert_eq!(f.facts.len(), 7);
}

#[test]
fn status_change_and_dated_progress_notes() {
    let mut v = fixtures::visits().remove(4);
    let s4 = Source::Strategy(v.strategies[3].id);
    apply(&mut v, s4, &Change::Status(StrategyStatus::InProgress)).unwrap();
    assert_eq!(v.strategies[3].status, StrategyStatus::InProgress);
    let on = today();
    apply(
        &mut v,
        s4,
        &Change::Note {
            on,
            text: " 12 OPD sudah kirim data ".into(),
        },
    )
    .unwrap();
    apply(
        &mut v,
        s4,
        &Change::Note {
            on,
            text: "sisa 3 OPD".into(),
        },
    )
    .unwrap();
    assert_eq!(
        v.strategies[3].notes,
        "2024-06-30: 12 OPD sudah kirim data\n2024-06-30: sisa 3 OPD"
    );
    assert_eq!(
        apply(
            &mut v,
            s4,
            &Change::Note {
                on,
                text: "  ".into()
            }
        ),
        Err(ChangeError::EmptyNote)
    );
    assert_eq!(
        apply(
            &mut v,
            Source::FollowUp,
            &Change::Status(StrategyStatus::Done)
        ),
        Err(ChangeError::NoStatus)
    );
    apply(
        &mut v,
        Source::FollowUp,
        &Change::Note {
            on,
            text: "APBD-P dibahas Juli".into(),
        },
    )
    .unwrap();
    assert_eq!(
        v.answers["commitments"].note,
        "2024-06-30: APBD-P dibahas Juli"
    );
    assert_eq!(
        apply(
            &mut v,
            Source::Strategy(Uuid::nil()),
            &Change::Status(StrategyStatus::Done)
        ),
        Err(ChangeError::Gone)
    );
}

#[test]
fn overview_counts_by_status_province_and_month() {
    let f = board();
    let o = Overview::build(&f.facts, &DEFAULT_INDICATORS);
    assert_eq!(o.visits, 7);
    assert_eq!(o.districts, 3);
    assert_eq!(
        o.by_status,
        vec![(VisitStatus::Draft, 2), (VisitStatus::Final, 5)]
    );
    let prov: Vec<_> = o
        .by_province
        .iter()
        .map(|p| (p.code.as_str(), p.name.as_str(), p.visits))
        .collect();
    assert_eq!(prov, vec![("12", "Sumatera Utara", 5), ("51", "Bali", 2)]);
    // March 2022 to June 2024: 28 months, seven of them with one visit.
    assert_eq!(o.by_month.len(), 28);
    assert_eq!(o.by_month.iter().map(|m| m.visits).sum::<usize>(), 7);
    assert_eq!((o.by_month[0].year, o.by_month[0].month), (2022, 3));
    assert_eq!(o.by_month[0].visits, 1);
    assert_eq!(o.by_month[1].visits, 0);
}

#[test]
fn overview_obstacles_by_category_with_their_visits() {
    let f = board();
    let o = Overview::build(&f.facts, &DEFAULT_INDICATORS);
    let rows: Vec<_> = o
        .obstacles
        .iter()
        .map(|r| (r.category, r.visits.len(), r.reports))
        .collect();
    use ObstacleCategory::*;
    assert_eq!(
        rows,
        vec![
            (Budget, 4, 4),
            (Regulation, 2, 3),
            (NonAsnData, 1, 1),
            (InformalAwareness, 1, 1)
        ]
    );
    assert_eq!(o.obstacles[0].category, Budget);
    // Newest first.
    assert_eq!(o.obstacles[0].visits, vec![id(7), id(3), id(2), id(1)]);
}

#[test]
fn overview_strategies_from_the_newest_visit_of_each_district() {
    let f = board();
    let o = Overview::build(&f.facts, &DEFAULT_INDICATORS);
    let counts: Vec<_> = o.strategies.iter().map(|r| (r.number, r.counts)).collect();
    // [not started, in progress, done, not applicable] over K3, D2, B2.
    assert_eq!(
        counts,
        vec![
            (1, [0, 1, 2, 0]),
            (2, [0, 1, 1, 1]),
            (3, [0, 1, 2, 0]),
            (4, [1, 0, 1, 1]),
        ]
    );
    assert!(o.strategies.iter().all(|r| r.missing == 0));
}

#[test]
fn overview_coverage_per_district_over_time() {
    let f = board();
    let o = Overview::build(&f.facts, &DEFAULT_INDICATORS);
    let non_asn = o
        .coverage
        .iter()
        .find(|i| i.id == "non_asn_coverage")
        .expect("non-ASN coverage");
    let series: Vec<_> = non_asn
        .series
        .iter()
        .map(|s| {
            (
                s.code.as_str(),
                s.points.iter().map(|p| p.1).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        series,
        vec![("12.06", vec![50.0, 60.0]), ("12.11", vec![25.0])]
    );
    let informal = o
        .coverage
        .iter()
        .find(|i| i.id == "coverage_informal")
        .expect("informal coverage");
    assert_eq!(informal.series[0].last(), Some(12.5));
    // Indicators nobody answered are left out.
    assert!(o.coverage.iter().all(|i| !i.series.is_empty()));
    assert_eq!(o.coverage.len(), 2);
}
