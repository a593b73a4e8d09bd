//! Benchmarks run by `make bench` (never by the tests): they measure, print a line of figures,
//! and leave the judging to the reader.

use crate::config::BenchCommand;
use domain::auth::{CurrentUser, Role};
use domain::db::Db;
use domain::db::audit::Actor;
use domain::{CreditCode, Region, Tier};
use std::fmt::Write as _;
use std::time::Instant;

pub async fn run(db: &Db, cmd: BenchCommand) -> Result<(), String> {
    match cmd {
        BenchCommand::Import { rows } => import(db, rows).await,
    }
}

/// A firm list of `rows` rows as Chinese Excel saves CSV: GBK, Chinese headers.
pub fn firm_list_gbk(rows: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 120);
    text.push_str(
        "统一社会信用代码,企业名称,所属市州,所属县区,所属行业,企业层级,联系人,联系电话,企业地址\n",
    );
    let industries = [
        "新材料",
        "装备制造",
        "生物医药",
        "盐湖化工",
        "食品",
        "新能源",
    ];
    for i in 0..rows {
        let region = Region::ALL[i % Region::ALL.len()];
        let tier = Tier::ALL[i % Tier::ALL.len()];
        let code = CreditCode::complete(&format!("91{}MA{:07}", region.division_code(), i))
            .map(|c| c.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "{code},青海第{i}号科技有限公司,{},第{}区,{},{},联系人{},139{:08},{}第{i}号",
            region.name_zh(),
            i % 40,
            industries[i % industries.len()],
            tier.name_zh(),
            i % 1000,
            i % 100_000_000,
            region.name_zh(),
        );
    }
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    bytes.into_owned()
}

/// The process's peak resident memory (VmHWM), in MiB, where Linux tells it.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn import(db: &Db, rows: usize) -> Result<(), String> {
    let file = firm_list_gbk(rows);
    let rss_before = peak_rss_mib().unwrap_or(0.0);
    let office = CurrentUser {
        id: 0,
        name: "bench".into(),
        role: Role::Office,
        member_unit_id: None,
    };
    let actor = Actor::system("bench");
    let started = Instant::now();
    let report = domain::db::import::import_firms(db, "bench.csv", &file, true, &office, &actor)
        .await
        .map_err(|e| format!("import failed: {e:?}"))?;
    let secs = started.elapsed().as_secs_f64();
    if !report.committed || report.created as usize != rows {
        return Err(format!(
            "import wrote {} of {rows} rows ({} problems)",
            report.created, report.issue_count
        ));
    }
    let backend = format!("{:?}", db.get_database_backend()).to_lowercase();
    println!(
        "| import {backend:<8} | {rows:>7} rows | {:>5.1} MiB file | {secs:>6.2} s | {:>8.0} rows/s | peak RSS {:>6.1} MiB (before import {:>5.1}) |",
        file.len() as f64 / 1024.0 / 1024.0,
        rows as f64 / secs,
        peak_rss_mib().unwrap_or(0.0),
        rss_before,
    );
    Ok(())
}
