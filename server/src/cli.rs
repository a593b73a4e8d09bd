//! The account commands of the CLI: `zhuqi user add|list`, `zhuqi token create`.

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
    }
}

pub async fn token(db: &Db, cmd: TokenCommand) -> Result<(), String> {
    match cmd {
        TokenCommand::Create { user, name } => {
            let token = accounts::create_token(db, &Actor::system("cli"), &user, &name)
                .await
                .map_err(explain)?;
            println!("{token}");
            eprintln!("Shown once: store it now. Use it as `Authorization: Bearer <token>`.");
            Ok(())
        }
    }
}
