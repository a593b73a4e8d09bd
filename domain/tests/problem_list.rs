//! The leaders' problem list against the dashboard: on the demo province, at several days, the
//! list of each figure holds exactly as many problems as the figure counts, for the province and
//! for every member unit; and who may read it. SQLite by default, PostgreSQL with
//! TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use domain::auth::{CurrentUser, Role};
use domain::db::testing::*;
use domain::db::{current_campaign, dashboard, demo, problems};
use domain::kpi::problems::Figure;
use domain::problem::ProblemListParams;
use domain::{Error, K};

fn who(role: Role) -> CurrentUser {
    CurrentUser {
        id: 1,
        name: "测试".into(),
        role,
        member_unit_id: None,
    }
}

fn params(figure: Figure, unit: Option<i32>, as_of: &str) -> ProblemListParams {
    ProblemListParams {
        figure: Some(figure.code().into()),
        unit: unit.map(|u| u.to_string()),
        as_of: Some(as_of.into()),
        ..ProblemListParams::default()
    }
}

fn of(f: &domain::dashboard::ProblemFigures, figure: Figure) -> u64 {
    match figure {
        Figure::Raised => f.raised,
        Figure::Open => f.raised - f.concluded,
        Figure::Concluded => f.concluded,
        Figure::OnTime => f.concluded_on_time,
        Figure::Solved => f.solved,
        Figure::Overdue => f.overdue,
        Figure::Answered => f.answered,
        Figure::Satisfied => f.satisfied,
    }
}

#[tokio::test]
async fn every_figures_list_holds_what_the_figure_counts() {
    let db = test_db().await;
    demo::seed(&db).await.unwrap();
    let campaign = current_campaign(&*db).await.unwrap();
    let leader = caller(&who(Role::Leader));
    for as_of in ["2022-06-30", "2022-10-09", "2022-12-31"] {
        let d = dashboard::compute(&*db, &campaign, date(as_of))
            .await
            .unwrap();
        assert!(
            d.problems.raised > 0 && d.problems.overdue > 0,
            "{as_of}: the demo has overdue problems"
        );
        for figure in Figure::ALL {
            let list = problems::list(&*db, &leader, &params(figure, None, as_of))
                .await
                .unwrap();
            assert_eq!(
                list.total,
                of(&d.problems, figure),
                "{figure:?} as of {as_of}"
            );
            assert_eq!(list.rows.len() as u64, list.total.min(50));
            if figure == Figure::Overdue {
                assert!(
                    list.rows
                        .iter()
                        .all(|r| r.days_overdue > 0 && r.deadline < date(as_of))
                );
            }
        }
        for u in d.by_unit.iter().filter(|u| u.figures.raised > 0) {
            for figure in [Figure::Raised, Figure::Overdue, Figure::Solved] {
                let list = problems::list(&*db, &leader, &params(figure, Some(u.id), as_of))
                    .await
                    .unwrap();
                assert_eq!(
                    list.total,
                    of(&u.figures, figure),
                    "{} {figure:?} as of {as_of}",
                    u.name_zh
                );
            }
        }
        // The verdicts read the same burn-up as the tiles.
        assert_eq!(d.visit_verdict.done, d.visited);
        assert_eq!(d.visit_verdict.gap, d.in_scope - d.visited);
        assert_eq!(d.solve_verdict.done, d.solved_firms);
        assert_eq!(d.visit_verdict.final_result, as_of == "2022-12-31");
    }
    // Pages and the second page's rows.
    let all = problems::list(&*db, &leader, &params(Figure::Raised, None, "2022-12-31"))
        .await
        .unwrap();
    assert!(all.pages > 1);
    let mut second = params(Figure::Raised, None, "2022-12-31");
    second.page = Some("2".into());
    let page2 = problems::list(&*db, &leader, &second).await.unwrap();
    assert_eq!(page2.page, 2);
    assert!(
        page2
            .rows
            .iter()
            .all(|r| !all.rows.iter().any(|a| a.id == r.id))
    );
}

#[tokio::test]
async fn coordinators_are_refused_and_bad_filters_are_422() {
    let db = test_db().await;
    let r = problems::list(
        &*db,
        &caller(&who(Role::Coordinator)),
        &ProblemListParams::default(),
    )
    .await;
    assert_eq!(r.unwrap_err(), Error::Forbidden);
    let office = caller(&who(Role::Office));
    let bad = ProblemListParams {
        figure: Some("everything".into()),
        unit: Some("x".into()),
        region: Some("99".into()),
        page: Some("0".into()),
        ..ProblemListParams::default()
    };
    match problems::list(&*db, &office, &bad).await {
        Err(Error::Validation(errors)) => {
            let keys: Vec<(String, K)> = errors.into_iter().map(|e| (e.field, e.key)).collect();
            assert_eq!(
                keys,
                vec![
                    ("figure".into(), K::ErrBadFilter),
                    ("unit".into(), K::ErrBadId),
                    ("region".into(), K::ErrBadRegion),
                    ("page".into(), K::ErrBadPage),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    let absurd = ProblemListParams {
        as_of: Some("+99999-01-01".into()),
        ..ProblemListParams::default()
    };
    assert!(matches!(
        problems::list(&*db, &office, &absurd).await,
        Err(Error::Validation(_))
    ));
    let empty = problems::list(&*db, &office, &ProblemListParams::default())
        .await
        .unwrap();
    assert_eq!(
        (empty.total, empty.pages, empty.figure),
        (0, 1, Figure::Raised)
    );
}
