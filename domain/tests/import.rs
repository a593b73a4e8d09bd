//! Spreadsheet import and export on a real database (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL): round trips through xlsx and GBK CSV, all-or-nothing commits, the
//! coordinator roster, and the firm list's filters that exports share.

#![allow(clippy::unwrap_used)]

use domain::auth::{CurrentUser, Role};
use domain::db::audit::Actor;
use domain::db::crypto::phone_hash;
use domain::db::entity::{audit_log, firm, user};
use domain::db::import::{import_coordinators, import_firms};
use domain::db::testing::*;
use domain::db::{current_campaign, firms, sheets};
use domain::firm::{FirmQueryParams, FirmSort, TargetStatus};
use domain::import::ImportReport;
use domain::{K, Region, Tier};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn office() -> CurrentUser {
    CurrentUser {
        id: 0,
        name: "省中小企业服务中心".into(),
        role: Role::Office,
        member_unit_id: None,
    }
}

async fn counts(db: &sea_orm::DatabaseConnection) -> (u64, u64) {
    (
        firm::Entity::find().count(db).await.unwrap(),
        audit_log::Entity::find().count(db).await.unwrap(),
    )
}

async fn run(
    db: &sea_orm::DatabaseConnection,
    name: &str,
    bytes: &[u8],
    commit: bool,
) -> ImportReport {
    import_firms(db, name, bytes, commit, &caller(&office()))
        .await
        .unwrap()
}

/// A firm list as an office keeps it: a title row, variant headers, a serial-number column,
/// full-width digits, stray spaces, short region and tier names.
fn office_list(codes: &[String]) -> String {
    let mut s = String::from("2022年省级专精特新中小企业及后备企业名单\n");
    s.push_str("序号,企业名称,统一社会信用代码（18位）,市州,区县,行业,企业类型,联系人,联系电话\n");
    let rows = [
        (
            "青海高原光伏材料有限公司",
            "西宁",
            "城北区",
            "新材料",
            "省级专精特新",
            "王伟",
            "13909710001",
        ),
        (
            "海东富硒农业科技有限公司",
            "海东市",
            "乐都区",
            "食品",
            "后备培育企业",
            "李娜",
            "0972-8123456",
        ),
        (
            "柴达木盐湖化工股份有限公司",
            "海西州",
            "格尔木市",
            "化工",
            "专精特新“小巨人”企业",
            "赵强",
            "+86 139 0979 0003",
        ),
    ];
    for (i, (name, region, county, industry, tier, contact, phone)) in rows.iter().enumerate() {
        let code = codes[i].replace('9', "９");
        s.push_str(&format!(
            "{n}, {name} ,{code},{region},{county},{industry},\"{tier}\",{contact},{phone}\n",
            n = i + 1
        ));
    }
    s
}

fn codes(n: usize) -> Vec<String> {
    (0..n).map(|_| credit_code(Region::Xining)).collect()
}

#[tokio::test]
async fn a_gbk_csv_previews_then_commits_and_round_trips_through_both_formats() {
    let db = test_db().await;
    let codes = codes(3);
    let list = office_list(&codes);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&list);
    assert!(!unmappable);
    let before = counts(&db).await;

    let preview = run(&db, "名单.csv", &gbk, false).await;
    assert_eq!(
        (
            preview.rows,
            preview.created,
            preview.updated,
            preview.committed
        ),
        (3, 3, 0, false)
    );
    assert_eq!(preview.ignored_columns, vec!["序号".to_owned()]);
    assert_eq!(counts(&db).await, before, "a preview writes nothing");

    let done = run(&db, "名单.csv", &gbk, true).await;
    assert!(done.committed);
    assert_eq!(done.created, 3);
    let stored = firm::Entity::find()
        .filter(firm::Column::CreditCode.eq(codes[2].clone()))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "柴达木盐湖化工股份有限公司");
    assert_eq!(stored.region_id, Region::Haixi.id());
    assert_eq!(stored.tier_id, Tier::LittleGiant.id());
    assert_eq!(stored.contact_phone.as_str(), "+86 139 0979 0003");
    assert!(stored.in_scope);
    // One audit entry per firm, plus one for the import as a whole.
    assert_eq!(counts(&db).await, (before.0 + 3, before.1 + 4));
    let trail = audit_log::Entity::find()
        .filter(audit_log::Column::FirmId.eq(stored.id))
        .all(&*db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "import_create");
    assert!(trail[0].after_json.as_deref().unwrap().contains("柴达木"));

    // Export what is registered, as xlsx and as CSV: both import back as "unchanged".
    let campaign = current_campaign(&*db).await.unwrap();
    let q = FirmQueryParams::default().parse().unwrap();
    let rows = firms::export_rows(&*db, &campaign, &q, &office())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let headers = firms::export_headers();
    let xlsx = sheets::write_xlsx(
        &sheets::Table {
            sheet: "企业名录",
            headers: headers.clone(),
            widths: vec![],
        },
        &rows,
    )
    .unwrap();
    let again = run(&db, "导出.xlsx", &xlsx, true).await;
    assert_eq!((again.unchanged, again.created, again.updated), (3, 0, 0));
    assert!(again.ignored_columns.contains(&"服务协调员".to_owned()));
    let csv = sheets::write_csv(&headers, &rows).unwrap();
    let again = run(&db, "导出.csv", &csv, false).await;
    assert_eq!((again.unchanged, again.created, again.updated), (3, 0, 0));

    // Change one cell in the export: exactly that firm is updated, with before and after.
    let mut edited = rows.clone();
    let row = edited.iter_mut().find(|r| r[0] == codes[0]).unwrap();
    row[7] = "=HYPERLINK(\"http://evil\")".into();
    let xlsx = sheets::write_xlsx(
        &sheets::Table {
            sheet: "企业名录",
            headers,
            widths: vec![],
        },
        &edited,
    )
    .unwrap();
    let update = run(&db, "改.xlsx", &xlsx, true).await;
    assert_eq!((update.unchanged, update.updated), (2, 1));
    let changed = firm::Entity::find()
        .filter(firm::Column::CreditCode.eq(codes[0].clone()))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    // Stored as the text it is; the export neutralises it again on the way out.
    assert_eq!(
        changed.contact_phone.as_str(),
        "=HYPERLINK(\"http://evil\")"
    );
    let exported = firms::export_rows(&*db, &campaign, &q, &office())
        .await
        .unwrap();
    let csv = sheets::write_csv(&firms::export_headers(), &exported).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"));
}

#[tokio::test]
async fn one_bad_row_means_nothing_is_written() {
    let db = test_db().await;
    let codes = codes(4);
    let mut csv = String::from("统一社会信用代码,企业名称,所属市州,企业层级\n");
    for (i, code) in codes.iter().enumerate() {
        csv.push_str(&format!("{code},企业{i},西宁市,省级专精特新中小企业\n"));
    }
    csv.push_str(&format!(
        "{},重复企业,西宁市,省级专精特新中小企业\n",
        codes[1]
    ));
    csv.push_str(",,,\n");
    csv.push_str("91630100MA752YPB2C,坏企业,拉萨市,省级专精特新中小企业\n");
    let before = counts(&db).await;
    let report = run(&db, "bad.csv", csv.as_bytes(), true).await;
    assert!(!report.committed);
    assert_eq!(counts(&db).await, before, "nothing half-saved");
    let found: Vec<(u64, &str, K)> = report
        .issues
        .iter()
        .map(|i| (i.row, i.column.as_str(), i.error.key))
        .collect();
    assert_eq!(
        found,
        vec![
            (6, "统一社会信用代码", K::ErrImportDuplicateRow),
            (8, "所属市州", K::ErrImportBadRegion),
            (8, "统一社会信用代码", K::ErrCreditCheck),
        ]
    );
    assert_eq!(report.issues[0].text(domain::Locale::Zh), "与第 3 行重复");
    // The blank row 7 is skipped, not counted.
    assert_eq!(report.rows, 6);
}

#[tokio::test]
async fn files_without_the_needed_columns_are_refused_with_a_reason() {
    let db = test_db().await;
    let err = import_firms(
        &db,
        "x.csv",
        "企业名称,统一社会信用代码\n甲,1\n".as_bytes(),
        false,
        &caller(&office()),
    )
    .await
    .unwrap_err();
    let keys: Vec<K> = err.field_errors().iter().map(|e| e.key).collect();
    assert_eq!(
        keys,
        vec![K::ErrImportMissingColumn, K::ErrImportMissingColumn]
    );
    let err = import_firms(&db, "x.csv", "名称\n".as_bytes(), false, &caller(&office()))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].key, K::ErrImportNoHeader);
    let coordinator = CurrentUser {
        role: Role::Coordinator,
        ..office()
    };
    let err = import_firms(&db, "x.csv", b"a", false, &caller(&coordinator))
        .await
        .unwrap_err();
    assert_eq!(err, domain::Error::Forbidden);
}

#[tokio::test]
async fn an_import_keeps_the_offices_scope_override_and_skips_archived_firms() {
    let db = test_db().await;
    let kept = make_firm(&db, "保留范围", Region::Xining, Tier::Innovative).await;
    let mut m: firm::ActiveModel = kept.clone().into();
    m.in_scope = sea_orm::Set(true);
    m.scope_reason = sea_orm::Set(Some("省领导点名帮扶".into()));
    m.latitude_e6 = sea_orm::Set(Some(36_617_100));
    m.longitude_e6 = sea_orm::Set(Some(101_778_200));
    let kept = sea_orm::ActiveModelTrait::update(m, &*db).await.unwrap();
    let gone = make_firm(&db, "已归档", Region::Xining, Tier::ProvincialSrdi).await;
    let mut m: firm::ActiveModel = gone.clone().into();
    m.archived_at = sea_orm::Set(Some(chrono::Utc::now()));
    sea_orm::ActiveModelTrait::update(m, &*db).await.unwrap();
    let csv = format!(
        "统一社会信用代码,企业名称,所属市州,企业层级\n{},保留范围（新名）,西宁市,创新型中小企业\n{},已归档,西宁市,省级专精特新中小企业\n",
        kept.credit_code, gone.credit_code
    );
    let report = run(&db, "a.csv", csv.as_bytes(), true).await;
    assert_eq!((report.updated, report.archived), (1, 1));
    let after = firm::Entity::find_by_id(kept.id)
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.name, "保留范围（新名）");
    assert!(after.in_scope, "the override stays");
    assert_eq!(after.site(), kept.site(), "the sheet has no site: it stays");
    assert!(kept.site().is_some());
}

#[tokio::test]
async fn a_coordinator_roster_imports_all_or_nothing() {
    let db = test_db().await;
    let bad = "姓名,手机号,所在单位\n张三,139 0971 1001,青海省工业和信息化厅\n李四,13909711002,不存在的厅\n";
    let report = import_coordinators(&db, "r.csv", bad.as_bytes(), true, &caller(&office()))
        .await
        .unwrap();
    assert!(!report.committed);
    assert_eq!(report.issues[0].error.key, K::ErrImportUnknownUnit);
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::PhoneHash.eq(phone_hash("13909711001").unwrap()))
            .count(&*db)
            .await
            .unwrap(),
        0
    );
    let good = bad.replace("不存在的厅", "省财政厅");
    let report = import_coordinators(&db, "r.csv", good.as_bytes(), true, &caller(&office()))
        .await
        .unwrap();
    assert!(report.committed);
    assert_eq!(report.created, 2);
    let zhang = user::Entity::find()
        .filter(user::Column::PhoneHash.eq(phone_hash("13909711001").unwrap()))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(zhang.role, "coordinator");
    assert!(zhang.password_hash.is_none(), "the office sets a password");
    // A second roster moves 李四 to another unit and leaves 张三 alone.
    let moved = good.replace(
        "李四,13909711002,省财政厅",
        "李四,13909711002,省工业和信息化厅",
    );
    let report = import_coordinators(&db, "r.csv", moved.as_bytes(), true, &caller(&office()))
        .await
        .unwrap();
    assert_eq!((report.updated, report.unchanged), (1, 1));
}

#[tokio::test]
async fn list_filters_by_status_county_coordinator_and_sorts() {
    let db = test_db().await;
    let campaign = current_campaign(&*db).await.unwrap();
    let a = make_firm(&db, "乙企业", Region::Xining, Tier::ProvincialSrdi).await;
    let b = make_firm(&db, "甲企业", Region::Haidong, Tier::ProvincialSrdi).await;
    let out = make_firm(&db, "丙企业", Region::Xining, Tier::Innovative).await;
    let c = make_coordinator(&*db, "王协调").await;
    assign(&db, a.id, c.id).await.unwrap();
    // An on-site visit to `a` inside the campaign.
    domain::db::visits::log(
        &db,
        a.id,
        domain::visit::VisitForm {
            visit_date: "2022-05-10".into(),
            kind: "on_site".into(),
            participants: "王协调".into(),
            summary: "走访了解生产经营情况".into(),
            ..Default::default()
        }
        .validate(&campaign, date("2022-06-01"))
        .unwrap(),
        &Actor::system("test"),
    )
    .await
    .unwrap();
    let list = |p: FirmQueryParams| {
        let db = &db;
        let campaign = &campaign;
        async move {
            let q = p.parse().unwrap();
            firms::list(&**db, campaign, &q)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    let status = |s: TargetStatus| FirmQueryParams {
        status: Some(s.code().into()),
        ..Default::default()
    };
    assert_eq!(list(status(TargetStatus::Visited)).await, vec![a.id]);
    // Out-of-scope firms are not "not visited": the targets do not concern them.
    assert_eq!(list(status(TargetStatus::NotVisited)).await, vec![b.id]);
    assert_eq!(
        list(FirmQueryParams {
            coordinator: Some(c.id.to_string()),
            ..Default::default()
        })
        .await,
        vec![a.id]
    );
    let by_name = list(FirmQueryParams {
        sort: Some(FirmSort::Name.code().into()),
        county: Some("城东".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(by_name.len(), 3);
    let mut expected = [
        (a.name.clone(), a.id),
        (b.name.clone(), b.id),
        (out.name.clone(), out.id),
    ];
    expected.sort();
    assert_eq!(by_name, expected.iter().map(|e| e.1).collect::<Vec<_>>());
    let by_phone = list(FirmQueryParams {
        q: Some("13900000000".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(by_phone.len(), 3, "search covers the contact's phone");
}

/// A firm list as offices send it, with what they write under the table: a note, who filled
/// it in, a total. Those lines are listed as skipped, the firms import, the commit goes
/// through. A line with one filled cell between firms is a broken firm row and still blocks.
#[tokio::test]
async fn notes_under_the_table_are_skipped_and_do_not_block_the_commit() {
    let db = test_db().await;
    let codes = codes(5);
    let mut csv = office_list(&codes);
    csv.push_str("备注：以上企业由各市州工信部门报送,,,,,,,,\n");
    csv.push_str(",填表人：张三,,联系电话：0971-6301234,,,,,\n");
    csv.push_str("合计,3 户,,,,,,,\n");
    csv.push_str("以上名单经市州工信部门审核,,,,,,,,\n");
    let preview = run(&db, "名单.csv", csv.as_bytes(), false).await;
    assert_eq!(preview.issue_count, 0, "{:?}", preview.issues);
    assert_eq!(preview.rows, 3);
    assert_eq!(preview.created, 3);
    let skipped: Vec<(u64, &str)> = preview
        .skipped
        .iter()
        .map(|s| (s.row, s.text.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (6, "备注：以上企业由各市州工信部门报送"),
            (7, "填表人：张三 联系电话：0971-6301234"),
            (8, "合计 3 户"),
            (9, "以上名单经市州工信部门审核"),
        ]
    );
    let done = run(&db, "名单.csv", csv.as_bytes(), true).await;
    assert!(done.committed);
    assert_eq!(done.created, 3);

    // A lone name between firm rows is a firm row with its other cells missing: it blocks.
    let mut csv = String::from("统一社会信用代码,企业名称,所属市州,企业层级\n");
    csv.push_str(&format!(
        "{},甲企业,西宁市,省级专精特新中小企业\n",
        codes[3]
    ));
    csv.push_str(",只有名称的企业,,\n");
    csv.push_str(&format!(
        "{},乙企业,西宁市,省级专精特新中小企业\n",
        codes[4]
    ));
    let before = counts(&db).await;
    let report = run(&db, "断行.csv", csv.as_bytes(), true).await;
    assert!(!report.committed);
    assert!(report.skipped.is_empty());
    assert!(
        report.issues.iter().all(|i| i.row == 3),
        "{:?}",
        report.issues
    );
    assert!(report.issue_count > 0);
    assert_eq!(counts(&db).await, before);
}

/// The same in an xlsx workbook laid out by hand as offices do: a merged title row, a serial
/// number column, phone numbers stored as numbers, a merged note row at the bottom.
#[tokio::test]
async fn an_xlsx_with_a_merged_title_and_a_merged_note_imports() {
    use rust_xlsxwriter::{Format, Workbook};
    let db = test_db().await;
    let codes = codes(2);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 0, 8, "2022年省级专精特新中小企业名单", &plain)
        .unwrap();
    let headers = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属市州",
        "所属县区",
        "所属行业",
        "企业层级",
        "联系人",
        "联系电话",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (i, code) in codes.iter().enumerate() {
        let r = 2 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        sheet
            .write_string(r, 1, format!("青海第{i}号材料有限公司"))
            .unwrap();
        sheet.write_string(r, 2, code).unwrap();
        sheet.write_string(r, 3, "西宁市").unwrap();
        sheet.write_string(r, 4, "城北区").unwrap();
        sheet.write_string(r, 5, "新材料").unwrap();
        sheet.write_string(r, 6, "省级专精特新中小企业").unwrap();
        sheet.write_string(r, 7, "王伟").unwrap();
        sheet
            .write_number(r, 8, 13_909_710_001.0 + i as f64)
            .unwrap();
    }
    sheet
        .merge_range(
            5,
            0,
            5,
            8,
            "注：以上企业由各市州工信部门报送，排名不分先后。",
            &plain,
        )
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let report = run(&db, "名单.xlsx", &bytes, true).await;
    assert!(report.committed, "{:?}", report.issues);
    assert_eq!((report.rows, report.created), (2, 2));
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].row, 6);
    let stored = firm::Entity::find()
        .filter(firm::Column::CreditCode.eq(codes[0].clone()))
        .one(&*db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.contact_phone.as_str(), "13909710001");
}
