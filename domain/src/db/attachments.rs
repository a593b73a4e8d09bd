//! Photos and scanned visit sheets. Files are checked by their content (not by their name or the
//! browser's word), stored in the database by content hash (so every server instance behind a
//! balancer serves every photo, and a backup of the database holds them), and recorded with an
//! audit entry. Only the office and the firm's coordinator attach; whoever may read the firm may
//! read its attachments.

use super::access;
use super::audit::{self, Actor, Entry};
use super::entity::{attachment, visit};
use crate::auth::{Caller, CurrentUser};
use crate::error::{Error, FieldError};
use crate::i18n::K;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, Set, Value,
};
use std::path::Path;

pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted, recognised by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else {
        None
    }
}

/// A file name as shown to people: no path parts, no control characters, at most 100 chars.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if cleaned.trim().is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// Stores a file's bytes under their hash, once however often they are attached.
async fn put_blob(db: &impl ConnectionTrait, sha: &str, bytes: &[u8]) -> Result<(), Error> {
    db.execute_raw(super::sql(
        db.get_database_backend(),
        "INSERT INTO attachment_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
        vec![sha.into(), Value::Bytes(Some(bytes.to_vec()))],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Blob {
    bytes: Vec<u8>,
}

async fn get_blob(db: &impl ConnectionTrait, sha: &str) -> Result<Option<Vec<u8>>, Error> {
    Ok(super::query_one::<Blob>(
        db,
        "SELECT bytes FROM attachment_blobs WHERE sha256 = $1",
        vec![sha.into()],
    )
    .await?
    .map(|b| b.bytes))
}

/// The use case "attach a file to a visit" (the office or the firm's coordinator).
pub async fn store(
    db: &super::Db,
    caller: &Caller,
    visit_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<attachment::Model, Error> {
    let (user, actor) = (&caller.user, &Actor::of(caller));
    let v = visit::Entity::find_by_id(visit_id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityVisit))?;
    access::ensure_office_or_coordinator(db, user, v.firm_id).await?;
    if bytes.is_empty() {
        return Err(Error::field("file", K::ErrRequired));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Error::Validation(vec![
            FieldError::new("file", K::ErrFileTooLarge).with("mb", MAX_BYTES / 1024 / 1024),
        ]));
    }
    let (content_type, ext) = sniff(bytes).ok_or_else(|| Error::field("file", K::ErrFileType))?;
    let sha = super::sha256_hex(bytes);
    // Where the bytes used to live on disk; kept in the row for files stored before the
    // database held them (see [`adopt_files`]).
    let relative = format!("uploads/{}/{sha}.{ext}", &sha[..2]);
    let (sha, relative, firm_id) = (&sha, &relative, v.firm_id);
    super::retry(|| async move {
        let txn = super::Write::begin(db).await?;
        // The same file sent to the same visit again is the same attachment: a phone's outbox
        // that lost the answer to its first upload sends it again, and must not make two.
        if let Some(done) = attachment::Entity::find()
            .filter(attachment::Column::VisitId.eq(visit_id))
            .filter(attachment::Column::Sha256.eq(sha.as_str()))
            .one(&txn)
            .await?
        {
            return Ok(done);
        }
        put_blob(&txn, sha, bytes).await?;
        let row = attachment::ActiveModel {
            visit_id: Set(visit_id),
            file_name: Set(clean_name(file_name)),
            content_type: Set(content_type.to_owned()),
            size_bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            stored_path: Set(relative.clone()),
            sha256: Set(sha.clone()),
            uploaded_by: Set(Some(user.id)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            Entry {
                action: "create",
                entity: "attachment",
                entity_id: Some(row.id),
                firm_id: Some(firm_id),
                before: None,
                after: audit::snapshot(&row),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    })
    .await
}

/// An attachment and its bytes, for someone who may read the firm.
pub async fn read(
    db: &impl ConnectionTrait,
    id: i32,
    user: &CurrentUser,
) -> Result<(attachment::Model, Vec<u8>), Error> {
    let a = attachment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::not_found(K::EntityAttachment))?;
    let v = visit::Entity::find_by_id(a.visit_id)
        .one(db)
        .await?
        .ok_or(Error::Internal)?;
    access::ensure_can_view_firm(db, user, v.firm_id).await?;
    let bytes = get_blob(db, &a.sha256).await?.ok_or_else(|| {
        tracing::error!(id, "attachment bytes missing from the database");
        Error::not_found(K::EntityAttachment)
    })?;
    Ok((a, bytes))
}

#[derive(FromQueryResult)]
struct Stray {
    sha256: String,
    stored_path: String,
}

/// Moves the bytes of attachments stored on disk by earlier versions into the database (run at
/// start-up; idempotent). A file that is gone is logged and left: its row then answers 404.
pub async fn adopt_files(db: &super::Db, data_dir: &Path) -> Result<u64, Error> {
    let strays = super::query_all::<Stray>(
        db,
        "SELECT DISTINCT a.sha256, a.stored_path FROM attachments a
         WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256)",
        vec![],
    )
    .await?;
    let mut adopted = 0;
    for s in strays {
        match std::fs::read(data_dir.join(&s.stored_path)) {
            Ok(bytes) if super::sha256_hex(&bytes) == s.sha256 => {
                let txn = super::Write::begin_quiet(db).await?;
                put_blob(&txn, &s.sha256, &bytes).await?;
                txn.commit().await?;
                adopted += 1;
            }
            Ok(_) => {
                tracing::error!(path = %s.stored_path, "attachment file does not match its hash")
            }
            Err(e) => tracing::error!(error = %e, path = %s.stored_path, "attachment file missing"),
        }
    }
    Ok(adopted)
}

/// The attachments of a firm's visits, oldest first.
pub async fn for_firm(
    db: &impl ConnectionTrait,
    firm_id: i32,
) -> Result<Vec<crate::firm::AttachmentRef>, Error> {
    let visit_ids: Vec<i32> = visit::Entity::find()
        .filter(visit::Column::FirmId.eq(firm_id))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    if visit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = attachment::Entity::find()
        .filter(attachment::Column::VisitId.is_in(visit_ids))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| crate::firm::AttachmentRef {
            id: a.id,
            visit_id: a.visit_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: u64::try_from(a.size_bytes).unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_content() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|t| t.0),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n....").map(|t| t.0),
            Some("image/png")
        );
        assert_eq!(sniff(b"%PDF-1.7").map(|t| t.0), Some("application/pdf"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\走访单.pdf"), "走访单.pdf");
        assert_eq!(clean_name(""), "file");
    }
}
