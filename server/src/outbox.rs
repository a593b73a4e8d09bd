//! The outbox worker: sends every notification by e-mail (SMTP, to users with an address) and
//! to a webhook (an SMS gateway or a 政务 IM bot), each when configured. Every instance runs
//! one; `domain::db::notifications::claim` hands each delivery to exactly one of them.

use crate::config::Config;
use domain::db::Db;
use domain::db::notifications::{self as outbox, Channel, Outgoing};
use domain::{K, Locale};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// No send may take longer than this, well inside the delivery's lease.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Deliveries taken per channel per round.
const BATCH: u32 = 50;

/// The channels this instance delivers through.
#[derive(Clone)]
pub struct Channels {
    mail: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    webhook: Option<(reqwest::Client, String, Option<String>)>,
    /// Prefix of the links in messages, e.g. `https://zhuqi.example.gov.cn`.
    public_url: String,
}

impl Channels {
    /// From the configuration; a malformed SMTP URL, sender or webhook URL stops the start.
    pub fn new(
        smtp_url: Option<&str>,
        mail_from: &str,
        webhook_url: Option<&str>,
        webhook_token: Option<&str>,
        public_url: &str,
    ) -> Result<Channels, String> {
        let mail = match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("ZHUQI_SMTP_URL: {e}"))?
                    .timeout(Some(SEND_TIMEOUT))
                    .build();
                let from: Mailbox = mail_from
                    .parse()
                    .map_err(|e| format!("ZHUQI_MAIL_FROM: {e}"))?;
                Some((transport, from))
            }
            None => None,
        };
        let webhook = match webhook_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err("ZHUQI_WEBHOOK_URL: must start with http:// or https://".into());
                }
                let client = reqwest::Client::builder()
                    .timeout(SEND_TIMEOUT)
                    .build()
                    .map_err(|e| format!("webhook client: {e}"))?;
                Some((
                    client,
                    url.to_owned(),
                    webhook_token.map(str::to_owned).filter(|t| !t.is_empty()),
                ))
            }
            None => None,
        };
        Ok(Channels {
            mail,
            webhook,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    fn from_config(config: &Config) -> Result<Channels, String> {
        let public = config
            .public_url
            .clone()
            .unwrap_or_else(|| match config.addr {
                Some(addr) => format!("http://{addr}"),
                None => "http://127.0.0.1:3000".to_owned(),
            });
        Self::new(
            config.smtp_url.as_deref(),
            &config.mail_from,
            config.webhook_url.as_deref(),
            config.webhook_token.as_deref(),
            &public,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.mail.is_none() && self.webhook.is_none()
    }
}

/// A name for this instance in the deliveries it holds.
pub fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "zhuqi".to_owned());
    let nanos = chrono::Utc::now().timestamp_subsec_nanos();
    let mut name = format!("{host}:{}:{nanos}", std::process::id());
    name.truncate(64);
    name
}

/// Starts the worker if a channel is configured; a bad configuration is logged and the
/// server runs without it (the in-app centre still works).
pub fn start(config: &Config, db: Db) {
    let channels = match Channels::from_config(config) {
        Ok(c) if c.is_empty() => return,
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "notifications will not be sent by e-mail or webhook");
            return;
        }
    };
    let every = Duration::from_secs(config.outbox_seconds);
    tokio::spawn(async move {
        let instance = instance_name();
        tracing::info!(
            instance,
            email = channels.mail.is_some(),
            webhook = channels.webhook.is_some(),
            "the notification outbox is running"
        );
        loop {
            match deliver_once(&db, &channels, &instance).await {
                Ok((0, 0)) => {}
                Ok((sent, failed)) => tracing::info!(sent, failed, "notifications delivered"),
                Err(e) => tracing::warn!(error = ?e, "the notification outbox failed"),
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// One round over every channel: takes what is due and sends it. Returns (sent, failed).
pub async fn deliver_once(
    db: &Db,
    channels: &Channels,
    instance: &str,
) -> Result<(usize, usize), domain::error::Error> {
    let (mut sent, mut failed) = (0, 0);
    for channel in [Channel::Email, Channel::Webhook] {
        let on = match channel {
            Channel::Email => channels.mail.is_some(),
            Channel::Webhook => channels.webhook.is_some(),
        };
        if !on {
            continue;
        }
        for item in outbox::claim(db, channel, instance, BATCH).await? {
            match send(channels, channel, &item).await {
                Ok(()) => {
                    outbox::mark_sent(db, item.delivery_id, instance).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(delivery = item.delivery_id, channel = channel.code(), error = %e, "delivery failed; will retry");
                    outbox::mark_failed(db, item.delivery_id, instance, item.attempts, &e).await?;
                    failed += 1;
                }
            }
        }
    }
    Ok((sent, failed))
}

async fn send(channels: &Channels, channel: Channel, item: &Outgoing) -> Result<(), String> {
    let link = format!("{}{}", channels.public_url, item.link);
    let text = item.message();
    match channel {
        Channel::Email => {
            let Some((transport, from)) = &channels.mail else {
                return Err("e-mail is not configured".into());
            };
            let address = item.email.as_deref().unwrap_or("").trim();
            let to = Mailbox::new(
                Some(item.user_name.clone()),
                address
                    .parse()
                    .map_err(|e| format!("recipient address: {e}"))?,
            );
            let body = K::MailBody.fill(
                Locale::Zh,
                &[
                    ("name", item.user_name.clone()),
                    ("text", text.clone()),
                    ("link", link.clone()),
                ],
            );
            let message = Message::builder()
                .from(from.clone())
                .to(to)
                .subject(K::MailSubject.fill(Locale::Zh, &[("subject", subject_of(&text))]))
                // A stable id per notification: a receiver can drop a copy sent again after a
                // crash between the send and its record.
                .message_id(Some(format!(
                    "<zhuqi-notification-{}@zhuqi>",
                    item.notification_id
                )))
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|e| format!("message: {e}"))?;
            transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}"))
        }
        Channel::Webhook => {
            let Some((client, url, token)) = &channels.webhook else {
                return Err("the webhook is not configured".into());
            };
            let payload = serde_json::json!({
                "id": item.notification_id,
                "kind": item.kind,
                "text": text,
                "link": link,
                "problem_id": item.problem_id,
                "firm_id": item.firm_id,
                "created_at": item.created_at,
                "recipient": {
                    "id": item.user_id,
                    "name": item.user_name,
                    "phone": item.phone,
                    "email": item.email,
                },
            });
            let mut request = client
                .post(url)
                .header("content-type", "application/json; charset=utf-8")
                .header(
                    "idempotency-key",
                    format!("zhuqi-notification-{}", item.notification_id),
                )
                .body(payload.to_string());
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.map_err(|e| format!("webhook: {e}"))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("webhook answered {}", response.status()))
            }
        }
    }
}

/// The subject line: the sentence's first clause, at most 40 characters.
fn subject_of(text: &str) -> String {
    let first = text.split(['。', '：', '，']).next().unwrap_or(text);
    first.chars().take(40).collect()
}
