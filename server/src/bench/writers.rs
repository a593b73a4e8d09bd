//! `zhuqi bench writers`: many clients posting visits to a running server at once, the way the
//! end of a campaign looks. Each visit has its own idempotency key; with `--until-acked` a
//! client sends the same key again until the server acknowledges it, as a phone's outbox does,
//! so a server killed and restarted midway must end with every acknowledged visit stored once.

use crate::config::WritersArgs;
use domain::db::Db;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(sea_orm::FromQueryResult)]
struct FirmId {
    firm_id: i32,
}

#[derive(Default)]
struct Tally {
    sent: u64,
    ok: u64,
    client_errors: u64,
    server_errors: u64,
    /// No answer at all (connection refused or reset: the server is down).
    unanswered: u64,
    latencies_ms: Vec<f64>,
    statuses: std::collections::BTreeMap<u16, u64>,
}

pub async fn run(db: &Db, args: WritersArgs) -> Result<(), String> {
    // Firms with a coordinator: a visit can be logged for them.
    let firms: Vec<i32> = domain::db::query_all::<FirmId>(
        db,
        "SELECT a.firm_id FROM assignments a JOIN firms f ON f.id = a.firm_id
         WHERE a.ended_at IS NULL AND f.archived_at IS NULL ORDER BY a.firm_id LIMIT 20000",
        vec![],
    )
    .await
    .map_err(|e| format!("{e:?}"))?
    .into_iter()
    .map(|f| f.firm_id)
    .collect();
    if firms.is_empty() {
        return Err("no firm has a coordinator: load the demo or generate data first".into());
    }
    let campaign = domain::db::current_campaign(db)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let days = (campaign.deadline.min(domain::clock::today()) - campaign.starts_on)
        .num_days()
        .max(1);
    let client: Client<_, Full<axum::body::Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let ack_log = match &args.ack_log {
        Some(p) => Some(Arc::new(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| format!("{}: {e}", p.display()))?,
        ))),
        None => None,
    };
    let firms = Arc::new(firms);
    let started = Instant::now();
    let stop = started + Duration::from_secs(args.seconds);
    // An outbox gives up on nothing; the run still ends, a minute after its time at the latest.
    let hard_stop = stop + Duration::from_secs(60);
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (client, tally, firms, ack_log) = (
            client.clone(),
            tally.clone(),
            firms.clone(),
            ack_log.clone(),
        );
        let (base, token, prefix) = (args.base.clone(), args.token.clone(), args.prefix.clone());
        let until_acked = args.until_acked;
        let interval = Duration::from_millis(args.interval_ms);
        let start_day = campaign.starts_on;
        tasks.push(tokio::spawn(async move {
            let mut seq: u64 = 0;
            while Instant::now() < stop {
                seq += 1;
                let firm = firms[(c * 7919 + seq as usize * 104_729) % firms.len()];
                let key = format!("{prefix}-{c}-{seq}");
                let date = start_day + chrono::Duration::days((seq as i64 * 13 + c as i64) % days);
                let problems = if seq.is_multiple_of(4) {
                    serde_json::json!([{"measure": "4", "description": "用工招聘困难（压测）"}])
                } else {
                    serde_json::json!([])
                };
                let body = serde_json::json!({
                    "visit_date": date.to_string(),
                    "kind": "on_site",
                    "participants": "协调员、企业负责人",
                    "summary": format!("压测走访 {key}"),
                    "idempotency_key": key,
                    "problems": problems,
                })
                .to_string();
                loop {
                    let req = http::Request::post(format!("{base}/api/v1/firms/{firm}/visits"))
                        .header("content-type", "application/json")
                        .header("authorization", format!("Bearer {token}"))
                        .body(Full::new(axum::body::Bytes::from(body.clone())));
                    let Ok(req) = req else { return };
                    let t0 = Instant::now();
                    let answer = client.request(req).await;
                    let ms = t0.elapsed().as_secs_f64() * 1000.0;
                    let status = match answer {
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            let _ = resp.into_body().collect().await;
                            Some(status)
                        }
                        Err(_) => None,
                    };
                    let acked = status.is_some_and(|s| (200..300).contains(&s));
                    {
                        let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
                        t.sent += 1;
                        match status {
                            Some(s) => {
                                *t.statuses.entry(s).or_default() += 1;
                                t.latencies_ms.push(ms);
                                match s {
                                    200..=299 => t.ok += 1,
                                    400..=499 => t.client_errors += 1,
                                    _ => t.server_errors += 1,
                                }
                            }
                            None => t.unanswered += 1,
                        }
                    }
                    if acked && let Some(log) = &ack_log {
                        let mut f = log.lock().unwrap_or_else(|p| p.into_inner());
                        let _ = writeln!(f, "{key}");
                    }
                    let retry = until_acked
                        && !acked
                        && status.is_none_or(|s| s >= 500)
                        && Instant::now() < hard_stop;
                    if !retry {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                if !interval.is_zero() {
                    tokio::time::sleep(interval).await;
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let secs = started.elapsed().as_secs_f64();
    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
    t.latencies_ms.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let v = &t.latencies_ms;
        if v.is_empty() {
            0.0
        } else {
            v[((v.len() - 1) as f64 * p).round() as usize]
        }
    };
    let statuses: Vec<String> = t.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
    println!(
        "| {} | {} | {:.0} s | {} | {} | {} | {} | {} | {:.0} | {:.1} | {:.1} | {} |",
        args.label,
        args.clients,
        secs,
        t.sent,
        t.ok,
        t.client_errors,
        t.server_errors,
        t.unanswered,
        t.ok as f64 / secs,
        pct(0.5),
        pct(0.99),
        statuses.join(" "),
    );
    Ok(())
}
