//! Notifications (消息通知): what zhuqi tells a user, in the app and through the outbox (e-mail,
//! webhook). Each is written in the transaction of the action it tells about, so none is lost
//! or told of an action that did not happen.

use crate::i18n::{K, Locale};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeKind {
    /// A problem was routed to the recipient's unit (交办).
    Routed,
    /// The unit answered the firm's problem (to its coordinator).
    Responded,
    /// The unit closed it: the firm's answer (回访) is due (to its coordinator).
    Closed,
    /// The unit found it unsolvable (to its coordinator).
    Unsolvable,
    /// The firm was not satisfied and it is back with the unit.
    Reopened,
    /// The firm confirmed it solved (to the unit).
    Solved,
    /// It was withdrawn (to the unit).
    Withdrawn,
    /// 催办: its deadline is near.
    RemindBefore,
    /// 催办: its deadline is today.
    RemindDue,
    /// 催办: nobody claimed it within the 签收 working hours.
    ClaimLate,
    /// 督办: the office ordered the unit to act.
    Supervised,
    /// A unit replied to a 督办 (to the office).
    SupervisionReplied,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 12] = [
        NoticeKind::Routed,
        NoticeKind::Responded,
        NoticeKind::Closed,
        NoticeKind::Unsolvable,
        NoticeKind::Reopened,
        NoticeKind::Solved,
        NoticeKind::Withdrawn,
        NoticeKind::RemindBefore,
        NoticeKind::RemindDue,
        NoticeKind::ClaimLate,
        NoticeKind::Supervised,
        NoticeKind::SupervisionReplied,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            NoticeKind::Routed => "routed",
            NoticeKind::Responded => "responded",
            NoticeKind::Closed => "closed",
            NoticeKind::Unsolvable => "unsolvable",
            NoticeKind::Reopened => "reopened",
            NoticeKind::Solved => "solved",
            NoticeKind::Withdrawn => "withdrawn",
            NoticeKind::RemindBefore => "remind_before",
            NoticeKind::RemindDue => "remind_due",
            NoticeKind::ClaimLate => "claim_late",
            NoticeKind::Supervised => "supervised",
            NoticeKind::SupervisionReplied => "supervision_replied",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The sentence, with `{firm}` and `{detail}` to fill.
    pub const fn text(self) -> K {
        match self {
            NoticeKind::Routed => K::NoticeRouted,
            NoticeKind::Responded => K::NoticeResponded,
            NoticeKind::Closed => K::NoticeClosed,
            NoticeKind::Unsolvable => K::NoticeUnsolvable,
            NoticeKind::Reopened => K::NoticeReopened,
            NoticeKind::Solved => K::NoticeSolved,
            NoticeKind::Withdrawn => K::NoticeWithdrawn,
            NoticeKind::RemindBefore => K::NoticeRemindBefore,
            NoticeKind::RemindDue => K::NoticeRemindDue,
            NoticeKind::ClaimLate => K::NoticeClaimLate,
            NoticeKind::Supervised => K::NoticeSupervised,
            NoticeKind::SupervisionReplied => K::NoticeSupervisionReplied,
        }
    }

    /// 催办 and 督办 are shown in red.
    pub const fn is_urgent(self) -> bool {
        matches!(
            self,
            NoticeKind::RemindDue | NoticeKind::ClaimLate | NoticeKind::Supervised
        )
    }
}

/// One notification as its recipient sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i32,
    pub kind: NoticeKind,
    pub problem_id: Option<i32>,
    pub firm_id: Option<i32>,
    pub firm_name: String,
    /// What the sentence needs besides the firm (a deadline, an instruction's first words).
    pub detail: String,
    /// Where to act on it, a path inside zhuqi.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl Notification {
    pub fn message(&self, l: Locale) -> String {
        self.kind.text().fill(
            l,
            &[
                ("firm", self.firm_name.clone()),
                ("detail", self.detail.clone()),
            ],
        )
    }
}

/// A page of the recipient's notifications, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub rows: Vec<Notification>,
    pub unread: u64,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// Notifications to a page of the centre.
pub const NOTIFICATION_PAGE: u64 = 30;

/// How many characters of an instruction or reply a notification quotes.
pub const DETAIL_QUOTE_CHARS: usize = 60;

/// The first characters of a text, for a notification's detail.
pub fn quote(text: &str) -> String {
    let mut out: String = text.chars().take(DETAIL_QUOTE_CHARS).collect();
    if text.chars().count() > DETAIL_QUOTE_CHARS {
        out.push('…');
    }
    out
}

/// How many deliveries of a channel are in a state (`sent`, `retry`, `failed`, `sending`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCount {
    pub channel: String,
    pub status: String,
    pub n: u64,
}

/// The office's rules page: the rules, and how the outbox is doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesView {
    pub rules: crate::rules::WorkingRules,
    pub can_edit: bool,
    pub deliveries: Vec<DeliveryCount>,
}
