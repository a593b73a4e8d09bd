//! Taking in the office's spreadsheets (firm lists and coordinator rosters) as people actually
//! keep them: Chinese headers in several spellings, a title row above the header, full-width
//! characters and stray spaces, numbers that Excel turned into floats. Everything here is pure;
//! reading the file formats and writing to the database live behind the `db` feature.

use crate::error::{FieldError, Problems, text};
use crate::firm::{FirmForm, ValidFirm};
use crate::i18n::{K, Locale};
use crate::reference::{Region, Tier};
use serde::{Deserialize, Serialize};

/// Uploads larger than this are refused before they are parsed.
pub const MAX_IMPORT_BYTES: usize = 40 * 1024 * 1024;
/// More data rows than this in one file are refused (a national list fits).
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// A preview lists at most this many row problems (and says how many there were in all).
pub const MAX_LISTED_ISSUES: usize = 500;
/// The header is looked for in this many leading rows (files often start with a title row).
const HEADER_SEARCH_ROWS: u64 = 10;

/// A set of columns one kind of import understands.
pub trait Columns: Copy + Eq + Sized + 'static {
    const ALL: &'static [Self];
    /// The header written in templates and exports.
    fn header(self) -> &'static str;
    /// Other spellings seen in the wild, compared after [`header_key`] folding.
    fn aliases(self) -> &'static [&'static str];
    fn required(self) -> bool;
    /// The form field the column fills, to map a field's message back to its column.
    fn field(self) -> &'static str;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirmColumn {
    CreditCode,
    Name,
    Region,
    County,
    Industry,
    Tier,
    ContactName,
    ContactPhone,
    Address,
}

impl Columns for FirmColumn {
    const ALL: &'static [Self] = &[
        FirmColumn::CreditCode,
        FirmColumn::Name,
        FirmColumn::Region,
        FirmColumn::County,
        FirmColumn::Industry,
        FirmColumn::Tier,
        FirmColumn::ContactName,
        FirmColumn::ContactPhone,
        FirmColumn::Address,
    ];

    fn header(self) -> &'static str {
        match self {
            FirmColumn::CreditCode => "统一社会信用代码",
            FirmColumn::Name => "企业名称",
            FirmColumn::Region => "所属市州",
            FirmColumn::County => "所属县区",
            FirmColumn::Industry => "所属行业",
            FirmColumn::Tier => "企业层级",
            FirmColumn::ContactName => "联系人",
            FirmColumn::ContactPhone => "联系电话",
            FirmColumn::Address => "企业地址",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            FirmColumn::CreditCode => &[
                "信用代码",
                "社会信用代码",
                "统一信用代码",
                "统一社会信用代码证号",
                "creditcode",
                "credit_code",
            ],
            FirmColumn::Name => &["名称", "企业全称", "单位名称", "企业", "name"],
            FirmColumn::Region => &["市州", "所在市州", "地区", "所属地区", "市（州）", "region"],
            FirmColumn::County => &["县区", "区县", "所属区县", "所在县区", "县（区）", "county"],
            FirmColumn::Industry => &["行业", "行业类别", "所属领域", "industry"],
            FirmColumn::Tier => &["层级", "梯度层级", "企业类型", "培育层级", "类别", "tier"],
            FirmColumn::ContactName => &["联系人姓名", "企业联系人", "contact", "contactname"],
            FirmColumn::ContactPhone => &[
                "电话",
                "手机",
                "手机号",
                "手机号码",
                "联系方式",
                "联系人电话",
                "phone",
                "contactphone",
            ],
            FirmColumn::Address => &["地址", "注册地址", "通讯地址", "address"],
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            FirmColumn::CreditCode | FirmColumn::Name | FirmColumn::Region | FirmColumn::Tier
        )
    }

    fn field(self) -> &'static str {
        match self {
            FirmColumn::CreditCode => "credit_code",
            FirmColumn::Name => "name",
            FirmColumn::Region => "region",
            FirmColumn::County => "county",
            FirmColumn::Industry => "industry",
            FirmColumn::Tier => "tier",
            FirmColumn::ContactName => "contact_name",
            FirmColumn::ContactPhone => "contact_phone",
            FirmColumn::Address => "address",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorColumn {
    Name,
    Phone,
    MemberUnit,
}

impl Columns for CoordinatorColumn {
    const ALL: &'static [Self] = &[
        CoordinatorColumn::Name,
        CoordinatorColumn::Phone,
        CoordinatorColumn::MemberUnit,
    ];

    fn header(self) -> &'static str {
        match self {
            CoordinatorColumn::Name => "姓名",
            CoordinatorColumn::Phone => "手机号码",
            CoordinatorColumn::MemberUnit => "成员单位",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            CoordinatorColumn::Name => &["服务协调员", "协调员姓名", "协调员", "name"],
            CoordinatorColumn::Phone => &["手机", "手机号", "联系电话", "电话", "phone"],
            CoordinatorColumn::MemberUnit => &["所在单位", "单位", "派出单位", "工作单位", "unit"],
        }
    }

    fn required(self) -> bool {
        true
    }

    fn field(self) -> &'static str {
        match self {
            CoordinatorColumn::Name => "name",
            CoordinatorColumn::Phone => "phone",
            CoordinatorColumn::MemberUnit => "member_unit",
        }
    }
}

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
    /// True once the rows are written; false for a dry run or when any row has a problem.
    pub committed: bool,
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

/// Folds what Excel users type into what they mean: full-width letters and digits to ASCII, the
/// ideographic and no-break spaces to plain ones, runs of white space to one space, trimmed.
/// Chinese punctuation stays: "（分公司）" in a firm's name is how the name is written. An apostrophe
/// that an export put before `=`, `+`, `-` or `@` (see [`neutralise`]) is taken off again, so an
/// exported file imports unchanged.
pub fn clean_cell(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        let c = match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '＋' | '－' | '＝' | '＠' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\u{FEFF}' => ' ',
            other => other,
        };
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    match out.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_TRIGGERS) => rest.to_owned(),
        _ => out,
    }
}

const FORMULA_TRIGGERS: &[char] = &['=', '+', '-', '@'];

/// Makes a cell safe to open in a spreadsheet: text starting with `=`, `+`, `-` or `@` (or a tab
/// or carriage return) would be run as a formula, so it gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) || cell.starts_with(['\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A header reduced to what identifies it: no spaces, no required-marks, no notes in brackets
/// ("联系电话（手机）"), ASCII lower-cased.
pub fn header_key(raw: &str) -> String {
    let cleaned = clean_cell(raw);
    let mut out = String::new();
    let mut depth = 0u32;
    for c in cleaned.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '★' | ' ' | ':' | '：' => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

fn column_for<C: Columns>(header: &str) -> Option<C> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    C::ALL
        .iter()
        .copied()
        .find(|c| header_key(c.header()) == key || c.aliases().iter().any(|a| header_key(a) == key))
}

/// Which column of the file holds what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMap<C> {
    /// The header's own row number (1-based).
    pub row: u64,
    pub columns: Vec<Option<C>>,
    pub ignored: Vec<String>,
}

impl<C: Columns> HeaderMap<C> {
    /// Reads a candidate header row; `None` unless it names at least two required columns
    /// (a title row above the header names none).
    pub fn detect(row: u64, cells: &[String]) -> Option<HeaderMap<C>> {
        let columns: Vec<Option<C>> = cells.iter().map(|c| column_for::<C>(c)).collect();
        let required_found = C::ALL
            .iter()
            .filter(|c| c.required() && columns.contains(&Some(**c)))
            .count();
        (required_found >= 2.min(C::ALL.iter().filter(|c| c.required()).count())).then(|| {
            let ignored = cells
                .iter()
                .zip(&columns)
                .filter(|(h, c)| c.is_none() && !clean_cell(h).is_empty())
                .map(|(h, _)| clean_cell(h))
                .collect();
            HeaderMap {
                row,
                columns,
                ignored,
            }
        })
    }

    /// File-level problems with the header: required columns missing, a column given twice.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut problems = Vec::new();
        for c in C::ALL {
            let n = self.columns.iter().filter(|x| **x == Some(*c)).count();
            if n == 0 && c.required() {
                problems.push(
                    FieldError::new("file", K::ErrImportMissingColumn).with("column", c.header()),
                );
            } else if n > 1 {
                problems.push(
                    FieldError::new("file", K::ErrImportRepeatedColumn).with("column", c.header()),
                );
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The cleaned value of one column in a row ("" when the file lacks the column).
    pub fn get(&self, cells: &[String], column: C) -> String {
        self.columns
            .iter()
            .position(|c| *c == Some(column))
            .and_then(|i| cells.get(i))
            .map(|c| clean_cell(c))
            .unwrap_or_default()
    }
}

/// Tracks where the header is while rows stream past.
pub struct HeaderSearch<C> {
    pub found: Option<HeaderMap<C>>,
}

impl<C: Columns> Default for HeaderSearch<C> {
    fn default() -> Self {
        HeaderSearch { found: None }
    }
}

impl<C: Columns> HeaderSearch<C> {
    /// Feeds one row; returns true when the row is data (the header was found above it).
    pub fn feed(&mut self, row: u64, cells: &[String]) -> Result<bool, FieldError> {
        if self.found.is_some() {
            return Ok(true);
        }
        if row > HEADER_SEARCH_ROWS {
            return Err(no_header::<C>());
        }
        self.found = HeaderMap::detect(row, cells);
        Ok(false)
    }

    pub fn finish(self) -> Result<HeaderMap<C>, FieldError> {
        self.found.ok_or_else(no_header::<C>)
    }
}

fn no_header<C: Columns>() -> FieldError {
    let names: Vec<&str> = C::ALL
        .iter()
        .filter(|c| c.required())
        .map(|c| c.header())
        .collect();
    FieldError::new("file", K::ErrImportNoHeader).with("columns", names.join("、"))
}

/// True for a row with nothing in it (Excel keeps formatted empty rows).
pub fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| clean_cell(c).is_empty())
}

/// A region as offices write it: "西宁市", "西宁", "海西州", the full autonomous-prefecture name,
/// the division code, or the English name.
pub fn parse_region(raw: &str) -> Option<Region> {
    let s = clean_cell(raw);
    if s.is_empty() {
        return None;
    }
    let s = s.strip_prefix("青海省").unwrap_or(&s);
    Region::ALL.into_iter().find(|r| {
        let zh = r.name_zh();
        let short: String = zh.chars().take(2).collect();
        s == zh
            || s == short
            || s.strip_suffix('州')
                .or_else(|| s.strip_suffix('市'))
                .or_else(|| s.strip_suffix("地区"))
                == Some(short.as_str())
            || s == r.division_code()
            || s.eq_ignore_ascii_case(r.name_en())
    })
}

/// A tier as offices write it: the full name, a short form ("小巨人", "后备企业", "省级专精特新"),
/// the English name, or its number.
pub fn parse_tier(raw: &str) -> Option<Tier> {
    let s: String = clean_cell(raw)
        .chars()
        .filter(|c| !matches!(c, '“' | '”' | '"' | '\'' | ' ' | '「' | '」'))
        .collect();
    if s.is_empty() {
        return None;
    }
    if let Some(t) = Tier::ALL
        .into_iter()
        .find(|t| s.eq_ignore_ascii_case(t.name_en()) || s == t.id().to_string())
    {
        return Some(t);
    }
    // Most specific first: a reserve firm's name also says 专精特新.
    if s.contains("小巨人") {
        Some(Tier::LittleGiant)
    } else if s.contains("单项冠军") {
        Some(Tier::SingleChampion)
    } else if s.contains("后备") {
        Some(Tier::Reserve)
    } else if s.contains("专精特新") {
        Some(Tier::ProvincialSrdi)
    } else if s.contains("创新型") {
        Some(Tier::Innovative)
    } else {
        None
    }
}

/// One data row of a firm list, checked. Errors name the column they belong to.
pub fn firm_from_row(
    header: &HeaderMap<FirmColumn>,
    row: u64,
    cells: &[String],
) -> Result<ValidFirm, Vec<RowIssue>> {
    let get = |c| header.get(cells, c);
    let issue = |column: FirmColumn, error: FieldError| RowIssue {
        row,
        column: column.header().to_owned(),
        error,
    };
    let mut issues = Vec::new();
    let region_text = get(FirmColumn::Region);
    let region = parse_region(&region_text);
    if region.is_none() {
        let e = if region_text.is_empty() {
            FieldError::new("region", K::ErrRequired)
        } else {
            FieldError::new("region", K::ErrImportBadRegion).with("value", &region_text)
        };
        issues.push(issue(FirmColumn::Region, e));
    }
    let tier_text = get(FirmColumn::Tier);
    let tier = parse_tier(&tier_text);
    if tier.is_none() {
        let e = if tier_text.is_empty() {
            FieldError::new("tier", K::ErrRequired)
        } else {
            FieldError::new("tier", K::ErrImportBadTier).with("value", &tier_text)
        };
        issues.push(issue(FirmColumn::Tier, e));
    }
    let form = FirmForm {
        credit_code: get(FirmColumn::CreditCode),
        name: get(FirmColumn::Name),
        // Placeholders keep the form's own region and tier checks quiet; the real failures
        // were reported above with the value the file holds.
        region: region.unwrap_or(Region::Xining).id().to_string(),
        county: get(FirmColumn::County),
        industry: get(FirmColumn::Industry),
        tier: tier.unwrap_or(Tier::Innovative).id().to_string(),
        contact_name: get(FirmColumn::ContactName),
        contact_phone: get(FirmColumn::ContactPhone),
        address: get(FirmColumn::Address),
        scope: String::new(),
        scope_reason: String::new(),
    };
    let result = form.validate();
    if let Err(e) = &result {
        for fe in e.field_errors() {
            let column = FirmColumn::ALL
                .iter()
                .copied()
                .find(|c| c.field() == fe.field)
                .map(|c| c.header().to_owned())
                .unwrap_or_default();
            issues.push(RowIssue {
                row,
                column,
                error: fe.clone(),
            });
        }
    }
    match result {
        Ok(valid) if issues.is_empty() => Ok(valid),
        _ => Err(issues),
    }
}

/// A coordinator as listed in a member unit's roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub name: String,
    /// Digits only (spaces, dashes and a +86 prefix removed): the login key.
    pub phone: String,
    /// As written; matched against the member units by the importer.
    pub member_unit: String,
}

/// A mobile number as people write it, reduced to its 11 digits.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = clean_cell(raw)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let digits = digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(&digits);
    (digits.len() == 11 && digits.starts_with('1')).then(|| digits.to_owned())
}

pub fn coordinator_from_row(
    header: &HeaderMap<CoordinatorColumn>,
    row: u64,
    cells: &[String],
) -> Result<RosterEntry, Vec<RowIssue>> {
    let issue = |column: CoordinatorColumn, error: FieldError| RowIssue {
        row,
        column: column.header().to_owned(),
        error,
    };
    let mut problems = Problems::default();
    let name = problems.take(text(
        "name",
        &header.get(cells, CoordinatorColumn::Name),
        true,
        50,
    ));
    let mut issues: Vec<RowIssue> = match problems.finish() {
        Ok(()) => Vec::new(),
        Err(e) => e
            .field_errors()
            .iter()
            .map(|fe| issue(CoordinatorColumn::Name, fe.clone()))
            .collect(),
    };
    let phone_text = header.get(cells, CoordinatorColumn::Phone);
    let phone = normalise_phone(&phone_text);
    if phone.is_none() {
        let e = if phone_text.is_empty() {
            FieldError::new("phone", K::ErrRequired)
        } else {
            FieldError::new("phone", K::ErrImportBadPhone).with("value", &phone_text)
        };
        issues.push(issue(CoordinatorColumn::Phone, e));
    }
    let unit = header.get(cells, CoordinatorColumn::MemberUnit);
    if unit.is_empty() {
        issues.push(issue(
            CoordinatorColumn::MemberUnit,
            FieldError::new("member_unit", K::ErrRequired),
        ));
    }
    match (name, phone) {
        (Some(name), Some(phone)) if issues.is_empty() => Ok(RosterEntry {
            name,
            phone,
            member_unit: unit,
        }),
        _ => Err(issues),
    }
}

/// A member unit's name as a roster writes it, reduced for matching: without "青海" in front
/// ("青海省工业和信息化厅" is "省工业和信息化厅") and without spaces.
pub fn unit_key(raw: &str) -> String {
    let s: String = clean_cell(raw).chars().filter(|c| *c != ' ').collect();
    match s.strip_prefix("青海") {
        Some(rest) => rest.to_owned(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
