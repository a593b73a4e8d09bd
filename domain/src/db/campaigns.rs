//! Campaign rounds: the 2022 百人助百企 campaign is seeded; the office can start later rounds,
//! each with its dates and the tiers in its scope.

use super::audit::{self, Actor, Entry};
use super::{query_all, query_one};
use crate::auth::{Caller, Role};
use crate::campaign::{Campaign, ValidCampaign};
use crate::error::Error;
use crate::i18n::K;
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::CampaignRow as Row;

/// Every round, the newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Campaign>, Error> {
    Ok(query_all::<Row>(
        db,
        "SELECT id, name_zh, name_en, starts_on, deadline FROM campaigns ORDER BY starts_on DESC, id DESC",
        vec![],
    )
    .await?
    .into_iter()
    .map(Campaign::from)
    .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i32) -> Result<Campaign, Error> {
    query_one::<Row>(
        db,
        "SELECT id, name_zh, name_en, starts_on, deadline FROM campaigns WHERE id = $1",
        vec![id.into()],
    )
    .await?
    .map(Campaign::from)
    .ok_or(Error::not_found(K::EntityCampaign))
}

/// The round a request names (`?campaign=id`), or the current one when it names none.
pub async fn chosen(db: &impl ConnectionTrait, raw: Option<&str>) -> Result<Campaign, Error> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => get(db, super::parse_id("campaign", raw)?).await,
        None => super::current_campaign(db).await,
    }
}

/// The round with this id, or the current one.
pub async fn by_id_or_current(
    db: &impl ConnectionTrait,
    id: Option<i32>,
) -> Result<Campaign, Error> {
    match id {
        Some(id) => get(db, id).await,
        None => super::current_campaign(db).await,
    }
}

#[derive(FromQueryResult)]
struct Id {
    id: i32,
}

/// The use case "start a later round", as every entry point calls it: only the office; the
/// form is validated after that check.
pub async fn start(
    db: &super::Db,
    caller: &Caller,
    form: &crate::campaign::CampaignForm,
) -> Result<Campaign, Error> {
    caller.require(&[Role::Office])?;
    create(db, caller, form.validate()?).await
}

/// The office starts a later round; audited with its dates and scope. Every firm gets its
/// progress facts for the new round in the same transaction.
pub async fn create(db: &super::Db, caller: &Caller, c: ValidCampaign) -> Result<Campaign, Error> {
    caller.require(&[Role::Office])?;
    let id = super::retry(|| create_once(db, caller, &c)).await?;
    get(db, id).await
}

async fn create_once(db: &super::Db, caller: &Caller, c: &ValidCampaign) -> Result<i32, Error> {
    let actor = &Actor::of(caller);
    let txn = super::Write::begin(db).await?;
    let id = query_one::<Id>(
        &txn,
        "INSERT INTO campaigns (name_zh, name_en, measure_id, led_by, starts_on, deadline, created_at)
         VALUES ($1, $2, 16, $3, $4, $5, $6) RETURNING id",
        vec![
            c.name_zh.clone().into(),
            c.name_en.clone().into(),
            "省促进中小企业暨非公有制经济发展工作领导小组办公室".into(),
            c.starts_on.into(),
            c.deadline.into(),
            chrono::Utc::now().into(),
        ],
    )
    .await?
    .ok_or(Error::Internal)?
    .id;
    for t in &c.tiers {
        txn.execute_raw(super::sql(
            txn.get_database_backend(),
            "INSERT INTO campaign_tiers (campaign_id, tier_id) VALUES ($1, $2)",
            vec![id.into(), t.id().into()],
        ))
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Entry {
            action: "create",
            entity: "campaign",
            entity_id: Some(id),
            firm_id: None,
            before: None,
            after: Some(serde_json::json!({
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "starts_on": c.starts_on,
                "deadline": c.deadline,
                "tiers": c.tiers.iter().map(|t| t.id()).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    super::progress::rebuild_all(&txn).await?;
    txn.commit().await?;
    Ok(id)
}
