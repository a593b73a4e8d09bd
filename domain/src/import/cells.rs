//! Cells as people type them: full-width characters, stray spaces, region and tier names in
//! their usual forms, phone numbers; and cells made safe for a spreadsheet on the way out.

use crate::reference::{Region, Tier};

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

pub(super) const FORMULA_TRIGGERS: &[char] = &['=', '+', '-', '@'];

/// Makes a cell safe to open in a spreadsheet: text starting with `=`, `+`, `-` or `@` (or a tab
/// or carriage return) would be run as a formula, so it gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) || cell.starts_with(['\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The words a note line of an office's table starts with: remarks, who filled it in or
/// checked it, when, totals. Followed by punctuation, a space or nothing, never by more of a
/// name (a firm called "合计科技" is a firm).
const NOTE_MARKERS: &[&str] = &[
    "备注",
    "注",
    "说明",
    "附注",
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "经办人",
    "联系电话",
    "填表日期",
    "填报日期",
    "制表日期",
    "报送日期",
    "合计",
    "总计",
    "小计",
    "共计",
];

/// Whether a row is a note rather than data: its first filled cell starts with a note word
/// ("备注：以上企业由各市州工信部门报送", "填表人：张三", "合计 20 户"). A row with one filled cell
/// below the last data row is a note too; that is decided by the reader, which knows what
/// came after (see [`filled_cells`]).
pub fn is_note_row(cells: &[String]) -> bool {
    let Some(first) = cells.iter().map(|c| clean_cell(c)).find(|c| !c.is_empty()) else {
        return false;
    };
    NOTE_MARKERS.iter().any(|m| {
        first.strip_prefix(m).is_some_and(|rest| {
            rest.chars().next().is_none_or(|c| {
                c.is_whitespace() || c.is_ascii_punctuation() || "：，。；、（）".contains(c)
            })
        })
    })
}

/// How many cells of a row hold something.
pub fn filled_cells(cells: &[String]) -> usize {
    cells.iter().filter(|c| !clean_cell(c).is_empty()).count()
}

/// A note row's text, as listed in the preview: its filled cells, joined, at most 80 characters.
pub fn note_text(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| clean_cell(c))
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(80)
        .collect()
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

/// A member unit's name as a roster writes it, reduced for matching: without "青海" in front
/// ("青海省工业和信息化厅" is "省工业和信息化厅") and without spaces.
pub fn unit_key(raw: &str) -> String {
    let s: String = clean_cell(raw).chars().filter(|c| *c != ' ').collect();
    match s.strip_prefix("青海") {
        Some(rest) => rest.to_owned(),
        None => s,
    }
}
