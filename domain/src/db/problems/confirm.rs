//! The firm's word on a closed problem: by a follow-up call (回访) that the office or the firm's
//! coordinator records, or through a one-time link the firm opens without an account. Only a
//! "solved" answer here counts toward the campaign's second target.

use crate::auth::Caller;
use crate::db::audit::{self, Actor, Entry};
use crate::db::entity::{confirmation_link, problem};
use crate::db::{Db, Write, access, parse_id, progress, query_one, retry};
use crate::error::{Error, FieldError, text};
use crate::i18n::K;
use crate::problem::{AnswerForm, LinkView, MAX_NOTE, ProblemStatus, Satisfaction, parse_version};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use super::event;

/// How long a firm's confirmation link stays valid.
pub const LINK_DAYS: i64 = 14;

/// The use case "record a follow-up call", as every entry point calls it: parses what the user
/// sent, then [`confirm_by_call`].
pub async fn record_call(
    db: &Db,
    caller: &Caller,
    form: &AnswerForm,
) -> Result<problem::Model, Error> {
    let id = parse_id("problem_id", &form.problem_id)?;
    let version = parse_version("version", &form.version)?;
    let (solved, satisfaction) = form.answer()?;
    confirm_by_call(db, caller, id, version, solved, satisfaction, &form.comment).await
}

/// The use case "the firm answers through its link" (no account: the token is the authority,
/// and the audit trail records the address it came from).
pub async fn record_link_answer(
    db: &Db,
    token: &str,
    form: &AnswerForm,
    client_addr: Option<String>,
) -> Result<(), Error> {
    let (solved, satisfaction) = form.answer()?;
    confirm_by_link(db, token, solved, satisfaction, &form.comment, client_addr).await
}

/// How the firm's answer was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    Link,
    Call,
}

impl Via {
    fn code(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Call => "call",
        }
    }
}

/// Records the firm's answer on a closed problem: solved (the target counts it) or not solved
/// (the problem is reopened for the unit), with the firm's satisfaction.
async fn record_confirmation(
    txn: &Write,
    before: problem::Model,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    via: Via,
    actor: &Actor,
) -> Result<problem::Model, Error> {
    let comment =
        text("comment", comment, false, MAX_NOTE).map_err(|e| Error::Validation(vec![e]))?;
    let from = ProblemStatus::from_code(&before.status).ok_or(Error::Internal)?;
    if from != ProblemStatus::Closed {
        return Err(Error::Conflict(FieldError::new("", K::ErrNotClosed)));
    }
    let to = from.transition(if solved {
        ProblemStatus::Solved
    } else {
        ProblemStatus::Claimed
    })?;
    let now = Utc::now();
    let mut update = Query::update();
    update
        .table(problem::Entity)
        .value(problem::Column::Status, to.code())
        .value(problem::Column::Version, before.version + 1)
        .value(problem::Column::UpdatedAt, now)
        .value(problem::Column::ConfirmedVia, via.code())
        .value(problem::Column::Satisfaction, satisfaction.code())
        .value(problem::Column::FirmComment, comment.clone())
        .and_where(Expr::col(problem::Column::Id).eq(before.id))
        .and_where(Expr::col(problem::Column::Version).eq(before.version));
    if solved {
        update.value(problem::Column::SolvedAt, now);
    } else {
        // Not solved in the firm's eyes: back to the unit, no longer concluded.
        update
            .value(problem::Column::ClosedAt, Option::<DateTime<Utc>>::None)
            .value(problem::Column::ConcludedOn, Option::<NaiveDate>::None);
    }
    if txn.execute(&update).await?.rows_affected() != 1 {
        return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
    }
    event(txn, before.id, Some(from), to, actor, &comment).await?;
    let after = problem::Entity::find_by_id(before.id)
        .one(txn)
        .await?
        .ok_or(Error::Internal)?;
    audit::record(
        txn,
        actor,
        Entry {
            action: "confirm",
            entity: "problem",
            entity_id: Some(before.id),
            firm_id: Some(before.firm_id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    // A "solved" answer may be the firm's first counted solution.
    progress::refresh_problems(txn, &[before.id]).await?;
    progress::refresh(txn, &[before.firm_id]).await?;
    Ok(after)
}

/// A follow-up call (回访): the office or the firm's coordinator records what the firm said.
#[allow(clippy::too_many_arguments)]
pub async fn confirm_by_call(
    db: &Db,
    caller: &Caller,
    problem_id: i32,
    version: i32,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
) -> Result<problem::Model, Error> {
    retry(|| async move {
        let actor = &Actor::of(caller);
        let txn = Write::begin(db).await?;
        let before = problem::Entity::find_by_id(problem_id)
            .one(&txn)
            .await?
            .ok_or(Error::not_found(K::EntityProblem))?;
        access::ensure_office_or_coordinator(&txn, caller, before.firm_id).await?;
        if before.version != version {
            return Err(Error::Conflict(FieldError::new("", K::ErrStale)));
        }
        let after = record_confirmation(
            &txn,
            before,
            solved,
            satisfaction,
            comment,
            Via::Call,
            actor,
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    })
    .await
}

fn sha256_hex(token: &str) -> String {
    crate::db::sha256_hex(token.trim().as_bytes())
}

/// The use case "make the firm's link": a one-time link for the firm to confirm a closed
/// problem (the problem id as it came in); returns the token for the URL.
pub async fn create_link(db: &Db, caller: &Caller, problem_id: &str) -> Result<String, Error> {
    let problem_id = parse_id("problem_id", problem_id)?;
    retry(|| create_link_once(db, caller, problem_id)).await
}

/// The use case "make the firm's link", ready to show: the whole URL under the site's origin
/// (`https://zhuqi.example.gov.cn`) and its QR code.
pub async fn confirmation_link(
    db: &Db,
    caller: &Caller,
    problem_id: &str,
    origin: &str,
) -> Result<crate::problem::ConfirmationLink, Error> {
    let token = create_link(db, caller, problem_id).await?;
    let url = format!("{}/confirm/{token}", origin.trim_end_matches('/'));
    Ok(crate::problem::ConfirmationLink {
        qr_svg: crate::db::qr::svg(&url, 220)?,
        url,
        valid_days: LINK_DAYS,
    })
}

async fn create_link_once(db: &Db, caller: &Caller, problem_id: i32) -> Result<String, Error> {
    let actor = &Actor::of(caller);
    let txn = Write::begin(db).await?;
    let p = problem::Entity::find_by_id(problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    access::ensure_office_or_coordinator(&txn, caller, p.firm_id).await?;
    if p.status != ProblemStatus::Closed.code() {
        return Err(Error::Conflict(FieldError::new("", K::ErrNotClosed)));
    }
    let token = crate::db::random_hex(24);
    let now = Utc::now();
    let link = confirmation_link::ActiveModel {
        problem_id: Set(problem_id),
        token_hash: Set(sha256_hex(&token)),
        created_by: Set(Some(caller.id)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(LINK_DAYS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "confirmation_link",
            entity_id: Some(link.id),
            firm_id: Some(p.firm_id),
            before: None,
            after: Some(
                serde_json::json!({"problem_id": problem_id, "expires_at": link.expires_at}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

#[derive(FromQueryResult)]
struct LinkRow {
    firm_name: String,
    description: String,
    measure_zh: String,
    unit_response: Option<String>,
    status: String,
}

async fn valid_link(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<confirmation_link::Model, Error> {
    confirmation_link::Entity::find()
        .filter(confirmation_link::Column::TokenHash.eq(sha256_hex(token)))
        .filter(confirmation_link::Column::UsedAt.is_null())
        .filter(confirmation_link::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .ok_or(Error::Conflict(FieldError::new("", K::ErrLinkInvalid)))
}

pub async fn link_view(db: &impl ConnectionTrait, token: &str) -> Result<LinkView, Error> {
    let link = valid_link(db, token).await?;
    let row = query_one::<LinkRow>(
        db,
        "SELECT f.name AS firm_name, p.description, m.name_zh AS measure_zh, p.unit_response, p.status
         FROM problems p JOIN firms f ON f.id = p.firm_id JOIN measures m ON m.id = p.measure_id WHERE p.id = $1",
        vec![link.problem_id.into()],
    )
    .await?
    .ok_or(Error::not_found(K::EntityProblem))?;
    Ok(LinkView {
        firm_name: row.firm_name,
        description: row.description,
        measure_zh: row.measure_zh,
        unit_response: row.unit_response,
        status: ProblemStatus::from_code(&row.status).unwrap_or(ProblemStatus::Closed),
    })
}

/// The firm answers through its link; the link is then spent.
pub async fn confirm_by_link(
    db: &Db,
    token: &str,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    client_addr: Option<String>,
) -> Result<(), Error> {
    retry(|| {
        confirm_by_link_once(
            db,
            token,
            solved,
            satisfaction,
            comment,
            client_addr.clone(),
        )
    })
    .await
}

async fn confirm_by_link_once(
    db: &Db,
    token: &str,
    solved: bool,
    satisfaction: Satisfaction,
    comment: &str,
    client_addr: Option<String>,
) -> Result<(), Error> {
    let txn = Write::begin(db).await?;
    let link = valid_link(&txn, token).await?;
    // Spend the link first, conditionally, so two submissions of one link record one answer.
    let spend = Query::update()
        .table(confirmation_link::Entity)
        .value(confirmation_link::Column::UsedAt, Utc::now())
        .and_where(Expr::col(confirmation_link::Column::Id).eq(link.id))
        .and_where(Expr::col(confirmation_link::Column::UsedAt).is_null())
        .to_owned();
    if txn.execute(&spend).await?.rows_affected() != 1 {
        return Err(Error::Conflict(FieldError::new("", K::ErrLinkInvalid)));
    }
    let before = problem::Entity::find_by_id(link.problem_id)
        .one(&txn)
        .await?
        .ok_or(Error::not_found(K::EntityProblem))?;
    let actor = Actor {
        user_id: None,
        role: None,
        label: "firm (link)".to_owned(),
        client_addr,
    };
    record_confirmation(
        &txn,
        before,
        solved,
        satisfaction,
        comment,
        Via::Link,
        &actor,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
