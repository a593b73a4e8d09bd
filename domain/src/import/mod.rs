//! Taking in the office's spreadsheets (firm lists and coordinator rosters) as people actually
//! keep them: Chinese headers in several spellings, a title row above the header, full-width
//! characters and stray spaces, numbers that Excel turned into floats. Everything here is pure;
//! reading the file formats and writing to the database live behind the `db` feature.

mod cells;
mod columns;
mod rows;

pub use cells::*;
pub use columns::*;
pub use rows::*;

use crate::error::FieldError;
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// Uploads larger than this are refused before they are parsed.
pub const MAX_IMPORT_BYTES: usize = 40 * 1024 * 1024;
/// More data rows than this in one file are refused (a national list fits).
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// A preview lists at most this many row problems (and says how many there were in all).
pub const MAX_LISTED_ISSUES: usize = 500;
/// The header is looked for in this many leading rows (files often start with a title row).
pub(crate) const HEADER_SEARCH_ROWS: u64 = 10;

/// One thing wrong with one row. `row` is the spreadsheet's own row number (the header's row
/// plus the data row's position), so the office finds it in Excel as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    pub row: u64,
    /// The column's header as the template writes it; empty for a problem with the whole row.
    pub column: String,
    pub error: FieldError,
}

impl RowIssue {
    pub fn text(&self, locale: Locale) -> String {
        self.error.text(locale)
    }
}

/// What an import found (a dry run) or did (a commit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_name: String,
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows naming an archived firm: left as they are.
    pub archived: u64,
    /// The first [`MAX_LISTED_ISSUES`] problems, in row order.
    pub issues: Vec<RowIssue>,
    pub issue_count: u64,
    /// Headers the import does not use (shown, so a misspelt column is noticed).
    pub ignored_columns: Vec<String>,
    /// Lines that are notes, not firms (备注, 填表人, 合计, a sentence under the table), with
    /// their row numbers: listed in the preview, never imported, never an error.
    #[serde(default)]
    pub skipped: Vec<SkippedRow>,
    /// True once the rows are written; false for a dry run or when any row has a problem.
    pub committed: bool,
}

/// A line of the file that is a note under (or inside) the table, not data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedRow {
    pub row: u64,
    /// What it says (at most 80 characters).
    pub text: String,
}

impl ImportReport {
    pub fn push_issue(&mut self, issue: RowIssue) {
        self.issue_count += 1;
        if self.issues.len() < MAX_LISTED_ISSUES {
            self.issues.push(issue);
        }
    }

    pub fn is_clean(&self) -> bool {
        self.issue_count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::cells::FORMULA_TRIGGERS;
    use super::*;
    use crate::i18n::K;
    use crate::reference::{Region, Tier};

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn cells_are_cleaned_like_people_mean_them() {
        assert_eq!(clean_cell("  青海　盐湖  工业 "), "青海 盐湖 工业");
        assert_eq!(clean_cell("ＡＢＣ１２３"), "ABC123");
        assert_eq!(clean_cell("a\u{00A0}\tb\r\n"), "a b");
        assert_eq!(clean_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(clean_cell("'plain"), "'plain");
    }

    #[test]
    fn neutralising_and_cleaning_round_trip() {
        for s in ["=1+1", "+8613912345678", "-x", "@cmd", "普通", ""] {
            let exported = neutralise(s);
            assert!(!exported.starts_with(FORMULA_TRIGGERS), "{s}");
            assert_eq!(clean_cell(&exported), s);
        }
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("西宁"), "西宁");
    }

    #[test]
    fn headers_are_recognised_in_their_variants() {
        let h = HeaderMap::<FirmColumn>::detect(
            2,
            &cells(&[
                "序号",
                " 企业名称* ",
                "统一社会信用代码（18位）",
                "市州",
                "区县",
                "企业类型",
                "联系电话（手机）",
            ]),
        )
        .expect("a header");
        assert_eq!(
            h.columns,
            vec![
                None,
                Some(FirmColumn::Name),
                Some(FirmColumn::CreditCode),
                Some(FirmColumn::Region),
                Some(FirmColumn::County),
                Some(FirmColumn::Tier),
                Some(FirmColumn::ContactPhone),
            ]
        );
        assert_eq!(h.ignored, vec!["序号".to_owned()]);
        assert!(h.check().is_ok());
        // A title row is not a header.
        assert!(
            HeaderMap::<FirmColumn>::detect(1, &cells(&["2022年省级专精特新中小企业名单"]))
                .is_none()
        );
    }

    #[test]
    fn a_header_without_required_columns_is_refused() {
        let h = HeaderMap::<FirmColumn>::detect(1, &cells(&["企业名称", "统一社会信用代码"]))
            .expect("two required columns make a header");
        let missing = h.check().expect_err("region and tier are missing");
        let texts: Vec<String> = missing.iter().map(|e| e.text(Locale::Zh)).collect();
        assert_eq!(texts.len(), 2);
        assert!(texts[0].contains("所属市州"), "{texts:?}");
        let mut search = HeaderSearch::<FirmColumn>::default();
        for row in 1..=10 {
            assert_eq!(search.feed(row, &cells(&["x"])), Ok(false));
        }
        assert_eq!(
            search.feed(11, &cells(&["x"])).map_err(|e| e.key),
            Err(K::ErrImportNoHeader)
        );
    }

    #[test]
    fn regions_and_tiers_as_offices_write_them() {
        for s in ["西宁市", "西宁", "青海省西宁市", "630100", "xining"] {
            assert_eq!(parse_region(s), Some(Region::Xining), "{s}");
        }
        for s in ["海西州", "海西蒙古族藏族自治州", "海西"] {
            assert_eq!(parse_region(s), Some(Region::Haixi), "{s}");
        }
        assert_eq!(parse_region("海南州"), Some(Region::Hainan));
        assert_eq!(parse_region("拉萨市"), None);
        assert_eq!(
            parse_tier("省级专精特新中小企业"),
            Some(Tier::ProvincialSrdi)
        );
        assert_eq!(
            parse_tier("专精特新中小企业后备培育企业"),
            Some(Tier::Reserve)
        );
        assert_eq!(parse_tier("专精特新“小巨人”企业"), Some(Tier::LittleGiant));
        assert_eq!(parse_tier("单项冠军"), Some(Tier::SingleChampion));
        assert_eq!(parse_tier("创新型中小企业"), Some(Tier::Innovative));
        assert_eq!(parse_tier("2"), Some(Tier::Reserve));
        assert_eq!(parse_tier("规上企业"), None);
    }

    fn firm_header() -> HeaderMap<FirmColumn> {
        HeaderMap::detect(
            1,
            &cells(&[
                "统一社会信用代码",
                "企业名称",
                "所属市州",
                "企业层级",
                "联系电话",
            ]),
        )
        .expect("header")
    }

    #[test]
    fn a_good_row_becomes_a_firm() {
        let f = firm_from_row(
            &firm_header(),
            2,
            &cells(&[
                " 91630100ma752ypb25 ",
                "青海 某某科技有限公司",
                "西宁",
                "省级专精特新",
                "'+86 139",
            ]),
        );
        let f = f.expect("valid");
        assert_eq!(f.credit_code.to_string(), "91630100MA752YPB25");
        assert_eq!(f.region, Region::Xining);
        assert_eq!(f.tier, Tier::ProvincialSrdi);
        assert!(f.in_scope);
        assert_eq!(f.contact_phone, "+86 139");
    }

    #[test]
    fn a_bad_row_names_every_problem_with_its_column() {
        let issues = firm_from_row(
            &firm_header(),
            7,
            &cells(&["91630100MA752YPB2C", "", "拉萨", "规上企业"]),
        )
        .expect_err("invalid");
        let found: Vec<(u64, &str, K)> = issues
            .iter()
            .map(|i| (i.row, i.column.as_str(), i.error.key))
            .collect();
        assert_eq!(
            found,
            vec![
                (7, "所属市州", K::ErrImportBadRegion),
                (7, "企业层级", K::ErrImportBadTier),
                (7, "统一社会信用代码", K::ErrCreditCheck),
                (7, "企业名称", K::ErrRequired),
            ]
        );
        assert_eq!(issues[0].text(Locale::Zh), "未知的市州“拉萨”");
    }

    #[test]
    fn roster_rows() {
        let h = HeaderMap::<CoordinatorColumn>::detect(1, &cells(&["姓名", "手机号", "所在单位"]))
            .expect("header");
        let ok = coordinator_from_row(
            &h,
            2,
            &cells(&["张 三", "+86 139-0971-0001", "青海省工业和信息化厅"]),
        )
        .expect("valid");
        assert_eq!(ok.phone, "13909710001");
        assert_eq!(unit_key(&ok.member_unit), "省工业和信息化厅");
        let bad = coordinator_from_row(&h, 3, &cells(&["", "12345", ""])).expect_err("invalid");
        assert_eq!(bad.len(), 3);
    }
}
