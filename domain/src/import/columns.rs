//! Which column holds what: the headers each import understands, in their several spellings,
//! found even below a title row.

use super::{HEADER_SEARCH_ROWS, clean_cell};
use crate::error::FieldError;
use crate::i18n::K;
use serde::{Deserialize, Serialize};

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
