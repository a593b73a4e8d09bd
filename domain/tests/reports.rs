//! The words of a half-year report: who may write them and for which unit, what is refused,
//! that they come back with the report and in its workbook, and that a period counts from the
//! campaign's first day. SQLite by default, PostgreSQL with TEST_DATABASE_URL.

#![allow(clippy::unwrap_used)]

use domain::auth::Role;
use domain::dashboard::{HalfYear, NotesForm};
use domain::db::testing::*;
use domain::db::{current_campaign, reports};
use domain::{Error, K};

fn form(period: &str, unit: &str, practices: &str) -> NotesForm {
    NotesForm {
        period: period.into(),
        unit: unit.into(),
        practices: practices.into(),
        issues: "个别问题办理超期。\n部分企业回访不及时。".into(),
        next_steps: "加强督办。".into(),
    }
}

#[tokio::test]
async fn units_write_their_own_reports_text_and_it_comes_back_with_the_report() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let (finance, tax) = (3, 5);
    let handler = make_user(&db, "13700000081", Role::Unit, Some(finance)).await;
    // A unit handler's text goes to their own unit, whatever unit the form names.
    reports::save_notes(
        &db,
        &caller(&handler),
        &form("2022H2", &tax.to_string(), "建立台账，每周调度。"),
    )
    .await
    .unwrap();
    let h2 = HalfYear::parse("p", "2022H2").unwrap();
    let own = reports::half_year(&*db, &campaign, h2, Some(finance))
        .await
        .unwrap();
    assert_eq!(own.notes.practices, "建立台账，每周调度。");
    assert_eq!(own.notes.updated_by.as_deref(), Some(handler.name.as_str()));
    assert!(own.notes.issues.contains('\n'), "line breaks are kept");
    let other = reports::half_year(&*db, &campaign, h2, Some(tax))
        .await
        .unwrap();
    assert_eq!(other.notes.practices, "");
    // Writing again replaces, and the audit keeps what was replaced.
    reports::save_notes(&db, &caller(&handler), &form("2022h2", "", "第二稿"))
        .await
        .unwrap();
    let own = reports::half_year(&*db, &campaign, h2, Some(finance))
        .await
        .unwrap();
    assert_eq!(own.notes.practices, "第二稿");
    let bytes = reports::to_xlsx(&own, domain::Locale::Zh).unwrap();
    let text = xlsx_text(&bytes);
    assert!(
        text.contains("第二稿") && text.contains("下一步打算"),
        "{text}"
    );

    // The office writes the province's; leaders and coordinators write none.
    let office = make_user(&db, "13700000082", Role::Office, None).await;
    reports::save_notes(&db, &caller(&office), &form("2022H2", "", "全省统筹"))
        .await
        .unwrap();
    assert_eq!(
        reports::half_year(&*db, &campaign, h2, None)
            .await
            .unwrap()
            .notes
            .practices,
        "全省统筹"
    );
    for (phone, role) in [
        ("13700000083", Role::Leader),
        ("13700000084", Role::Coordinator),
    ] {
        let who = make_user(&db, phone, role, None).await;
        let r = reports::save_notes(&db, &caller(&who), &form("2022H2", "", "x")).await;
        assert_eq!(r, Err(Error::Forbidden), "{role:?}");
    }
    // A unit handler without a unit writes nothing.
    let stray = make_user(&db, "13700000085", Role::Unit, None).await;
    assert_eq!(
        reports::save_notes(&db, &caller(&stray), &form("2022H2", "", "x")).await,
        Err(Error::Forbidden)
    );
}

#[tokio::test]
async fn bad_report_text_is_refused_and_nothing_is_saved() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let office = make_user(&db, "13700000086", Role::Office, None).await;
    let too_long = "字".repeat(domain::dashboard::NOTE_MAX_CHARS + 1);
    let mut bad = form("2022H2", "", &too_long);
    bad.issues = "含\u{0}控制字符".into();
    match reports::save_notes(&db, &caller(&office), &bad).await {
        Err(Error::Validation(errors)) => {
            let keys: Vec<K> = errors.iter().map(|e| e.key).collect();
            assert_eq!(keys, vec![K::ErrTooLong, K::ErrControlChars]);
        }
        other => panic!("{other:?}"),
    }
    for (period, unit) in [("2022H3", ""), ("2022H2", "999")] {
        assert!(matches!(
            reports::save_notes(&db, &caller(&office), &form(period, unit, "x")).await,
            Err(Error::Validation(_))
        ));
    }
    let h2 = HalfYear::parse("p", "2022H2").unwrap();
    assert_eq!(
        reports::half_year(&*db, &campaign, h2, None)
            .await
            .unwrap()
            .notes
            .practices,
        ""
    );
}

#[tokio::test]
async fn the_first_half_year_counts_from_the_campaigns_first_day() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let h1 = reports::half_year(
        &*db,
        &campaign,
        HalfYear::parse("p", "2022H1").unwrap(),
        None,
    )
    .await
    .unwrap();
    assert_eq!((h1.from, h1.to), (date("2022-02-27"), date("2022-06-30")));
    let h2 = reports::half_year(
        &*db,
        &campaign,
        HalfYear::parse("p", "2022H2").unwrap(),
        None,
    )
    .await
    .unwrap();
    assert_eq!((h2.from, h2.to), (date("2022-07-01"), date("2022-12-31")));
}

/// Every cell of every sheet, as text.
fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}
