//! The account commands of the CLI: `zhuqi user add|list|disable|enable`,
//! `zhuqi token create|list|revoke`.

use crate::config::{TokenCommand, UserCommand};
use domain::db::audit::Actor;
use domain::db::{Db, accounts};

fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("ZHUQI_PASSWORD") {
        return Ok(p);
    }
    let first = rpassword::prompt_password("Password / 密码: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let again = rpassword::prompt_password("Again / 再次输入: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    if first == again {
        Ok(first)
    } else {
        Err("the two passwords differ / 两次输入的密码不一致".to_owned())
    }
}

fn explain(e: domain::Error) -> String {
    let fields: Vec<String> = e
        .field_errors()
        .iter()
        .map(|f| format!("{}: {}", f.field, f.text(domain::Locale::Zh)))
        .collect();
    if fields.is_empty() {
        e.message(domain::Locale::Zh)
    } else {
        fields.join("; ")
    }
}

pub async fn user(db: &Db, cmd: UserCommand) -> Result<(), String> {
    match cmd {
        UserCommand::Add {
            role,
            name,
            phone,
            username,
            unit,
        } => {
            let password = read_password()?;
            let input = accounts::NewUser {
                name,
                phone,
                username,
                role,
                member_unit: unit,
                password,
                must_change_password: true,
            };
            let user = accounts::create_user(db, &Actor::system("cli"), input)
                .await
                .map_err(explain)?;
            println!("created user #{} {} ({})", user.id, user.name, user.role);
            Ok(())
        }
        UserCommand::List => {
            for u in accounts::list_users(db).await.map_err(explain)? {
                println!(
                    "{:>5}  {:<12} {:<12} {:<14} {:<12} {}{}",
                    u.id,
                    u.role,
                    u.name,
                    u.phone,
                    u.username.unwrap_or_default(),
                    u.member_unit.unwrap_or_default(),
                    if u.active { "" } else { "  (inactive)" }
                );
            }
            Ok(())
        }
        UserCommand::Disable { user } => active(db, &user, false).await,
        UserCommand::Enable { user } => active(db, &user, true).await,
        UserCommand::Unlock { user } => {
            let id = accounts::user_id_by_login(db, &user)
                .await
                .map_err(explain)?;
            let name = domain::db::security::unlock_account(db, &Actor::system("cli"), id)
                .await
                .map_err(explain)?;
            println!("user #{id} {name} unlocked");
            Ok(())
        }
        UserCommand::ResetSecondFactor { user } => {
            let id = accounts::user_id_by_login(db, &user)
                .await
                .map_err(explain)?;
            let name = domain::db::second_factor::reset(db, &Actor::system("cli"), id)
                .await
                .map_err(explain)?;
            println!("user #{id} {name}: second factor removed, sessions ended");
            Ok(())
        }
    }
}

async fn active(db: &Db, login: &str, on: bool) -> Result<(), String> {
    let u = accounts::set_active(db, &Actor::system("cli"), login, on)
        .await
        .map_err(explain)?;
    println!(
        "user #{} {} {}",
        u.id,
        u.name,
        if on { "enabled" } else { "disabled" }
    );
    Ok(())
}

pub async fn token(db: &Db, cmd: TokenCommand) -> Result<(), String> {
    match cmd {
        TokenCommand::Create { user, name, days } => {
            let (token, expires) =
                accounts::create_token(db, &Actor::system("cli"), &user, &name, days)
                    .await
                    .map_err(explain)?;
            println!("{token}");
            eprintln!(
                "Shown once: store it now. Use it as `Authorization: Bearer <token>`. It expires {}.",
                expires.format("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        TokenCommand::List => {
            let now = chrono::Utc::now();
            for t in accounts::list_tokens(db).await.map_err(explain)? {
                let state = match (t.revoked_at, t.is_live(now)) {
                    (Some(at), _) => format!("revoked {}", at.format("%Y-%m-%d")),
                    (None, false) => "expired".to_owned(),
                    (None, true) => "live".to_owned(),
                };
                println!(
                    "{:>5}  {:<12} {:<16} last used {:<10} expires {}  {state}",
                    t.id,
                    t.user_name,
                    t.name,
                    t.last_used_at
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| "never".into()),
                    t.expires_at.format("%Y-%m-%d"),
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(db, &Actor::system("cli"), &id)
                .await
                .map_err(explain)?;
            println!("token #{id} revoked");
            Ok(())
        }
    }
}
