//! Photos and scanned visit sheets. Files are checked by their content (not by their name or the
//! browser's word), stored on disk under the data directory by content hash, and recorded with
//! an audit entry. Only the office and the firm's coordinator attach; whoever may read the firm
//! may read its attachments.

use super::access;
use super::audit::{self, Actor, Entry};
use super::entity::{attachment, visit};
use crate::auth::{Caller, CurrentUser};
use crate::error::{Error, FieldError};
use crate::i18n::K;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use std::path::{Path, PathBuf};

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

/// The use case "attach a file to a visit" (the office or the firm's coordinator).
pub async fn store<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    data_dir: &Path,
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
    let relative = format!("uploads/{}/{sha}.{ext}", &sha[..2]);
    let full: PathBuf = data_dir.join(&relative);
    if !full.exists() {
        let write = || -> std::io::Result<()> {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Written whole under a temporary name, then renamed: a reader never sees half a file.
            let tmp = full.with_extension(format!("{ext}.part"));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &full)
        };
        write().map_err(|e| {
            tracing::error!(error = %e, path = %full.display(), "cannot store an attachment");
            Error::Internal
        })?;
    }
    let txn = db.begin().await?;
    let row = attachment::ActiveModel {
        visit_id: Set(visit_id),
        file_name: Set(clean_name(file_name)),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        stored_path: Set(relative),
        sha256: Set(sha),
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
            firm_id: Some(v.firm_id),
            before: None,
            after: audit::snapshot(&row),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// An attachment and its bytes, for someone who may read the firm.
pub async fn read(
    db: &impl ConnectionTrait,
    data_dir: &Path,
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
    let bytes = std::fs::read(data_dir.join(&a.stored_path)).map_err(|e| {
        tracing::error!(error = %e, id, "attachment file missing");
        Error::not_found(K::EntityAttachment)
    })?;
    Ok((a, bytes))
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
