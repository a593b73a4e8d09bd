//! All configuration in one place: command-line flags, each with an environment fallback
//! (see `.env.example`). Secrets are never printed: `Config` redacts the database password.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(
    name = "zhuqi",
    version,
    about = "zhuqi (助企): the 百人助百企 enterprise-service campaign system"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Migrate the database, then serve the web pages and the JSON API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a backup of the database to FILE (SQLite: VACUUM INTO, while the server runs;
    /// PostgreSQL: pg_dump's custom format), then print every table's row count.
    Backup { file: std::path::PathBuf },
    /// Restore a backup into the configured database, which must be new (a SQLite file that
    /// does not exist yet, or an empty PostgreSQL database); prints the row counts and checks
    /// the audit chain.
    Restore { file: std::path::PathBuf },
    /// Run the working-rules sweep once: 催办 reminders for deadlines near or on the day, 督办
    /// for problems overdue by the office's working days (the server runs it on start and
    /// every ZHUQI_SWEEP_MINUTES); `--as-of` names the day to count to.
    /// Print a new random key for ZHUQI_DATA_KEY (keep it apart from the database and its
    /// backups: without it the sealed phone numbers cannot be read).
    GenerateDataKey,
    #[command(alias = "escalate")]
    Sweep {
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    #[cfg(feature = "demo")]
    /// Migrate, then load the deterministic demo province (about 300 firms, 80 coordinators,
    /// the visits and problems of 2022) unless the database already holds firms.
    SeedDemo,
    #[cfg(feature = "demo")]
    /// Benchmarks (`make bench`): measure against the configured database and print figures.
    #[command(subcommand, hide = true)]
    Bench(BenchCommand),
}

#[cfg(feature = "demo")]
#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum BenchCommand {
    /// Generate a firm list of this many rows as GBK CSV and import it (one transaction),
    /// printing rows per second and the process's peak memory. Use an empty database.
    Import {
        #[arg(long, default_value_t = 150_000)]
        rows: usize,
    },
    /// Fill an empty database with a national-scale campaign (firms, coordinators, their
    /// assignments, visits and problems in 2022) and print an office API token for load tests.
    Generate {
        #[arg(long, default_value_t = 150_000)]
        firms: usize,
        #[arg(long, default_value_t = 5_000)]
        coordinators: usize,
        #[arg(long, default_value_t = 600_000)]
        visits: usize,
        #[arg(long, default_value_t = 300_000)]
        problems: usize,
    },
    /// Post visits to a running server from many clients at once for a while, each with its own
    /// idempotency key, and print what came back (statuses, latency, visits per second).
    Writers(WritersArgs),
}

#[cfg(feature = "demo")]
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct WritersArgs {
    /// The server, e.g. http://127.0.0.1:3300
    #[arg(long)]
    pub base: String,
    /// An office API token (`zhuqi token create`, or what `bench generate` printed).
    #[arg(long)]
    pub token: String,
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// Each client pauses this long between visits (0: as fast as the server answers).
    #[arg(long, default_value_t = 0)]
    pub interval_ms: u64,
    /// A label for the table row.
    #[arg(long, default_value = "")]
    pub label: String,
    /// Keys start with this (a run's visits can be counted in the database afterwards).
    #[arg(long, default_value = "w")]
    pub prefix: String,
    /// Keep sending a visit with the same key until the server acknowledges it, as a phone's
    /// outbox does (the reliability suite: the server is killed and restarted meanwhile).
    #[arg(long)]
    pub until_acked: bool,
    /// Append every acknowledged key to this file, one a line.
    #[arg(long)]
    pub ack_log: Option<std::path::PathBuf>,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum UserCommand {
    /// Create an account. The password is read from ZHUQI_PASSWORD or asked for (not echoed).
    Add {
        /// office | leader | unit | coordinator | sysadmin | secadmin | auditor
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        #[arg(long, default_value = "")]
        username: String,
        /// The member unit's name as the notice writes it, e.g. 省工业和信息化厅.
        #[arg(long, default_value = "")]
        unit: String,
    },
    /// List the accounts.
    List,
    /// Disable an account (phone or username): no login, its sessions and tokens stop working.
    Disable {
        #[arg(long)]
        user: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        user: String,
    },
    /// Lift the lock-out of an account (phone or username) before its time runs out.
    Unlock {
        #[arg(long)]
        user: String,
    },
    /// Remove an account's second factor (a lost phone and no recovery code left); its
    /// sessions end, and a role that requires one sets it up again at the next login.
    ResetSecondFactor {
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum AuditCommand {
    /// Recompute the audit trail's hash chain and report the first entry that does not follow
    /// from the ones before it (exit status 1 if any).
    Verify,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum TokenCommand {
    /// Create an API token for a user (phone or username); it is printed once, stored hashed.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it expires (1–365).
        #[arg(long, default_value_t = domain::auth::TOKEN_DAYS)]
        days: u32,
    },
    /// List the tokens (never the tokens themselves): owner, name, last use, expiry, revocation.
    List,
    /// Revoke a token by its number (from `token list`).
    Revoke {
        #[arg(long)]
        id: String,
    },
}

#[derive(clap::Args, Clone)]
pub struct Config {
    /// Database URL: `sqlite://path?mode=rwc` (embedded, the default) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/zhuqi.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Address to listen on; defaults to the Leptos site address (127.0.0.1:3000).
    #[arg(long, env = "ZHUQI_ADDR", global = true)]
    pub addr: Option<SocketAddr>,
    /// Minutes between two runs of the working-rules sweep (催办 reminders before and on a
    /// deadline, 督办 of overdue problems); 0: never (benchmarks). The days themselves are the
    /// office's rules, set on the rules page.
    #[arg(long, env = "ZHUQI_SWEEP_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u64).range(0..=1440), global = true)]
    pub sweep_minutes: u64,
    /// The notification outbox's SMTP server, e.g. `smtps://user:password@mail.example.gov.cn`
    /// or `smtp://127.0.0.1:2525` (plain, for a local relay); unset: no e-mail.
    #[arg(long, env = "ZHUQI_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// The sender of notification e-mails.
    #[arg(
        long,
        env = "ZHUQI_MAIL_FROM",
        default_value = "助企 <zhuqi@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// A webhook every notification is posted to as JSON (an SMS gateway, a 政务 IM bot);
    /// unset: none.
    #[arg(long, env = "ZHUQI_WEBHOOK_URL", global = true)]
    pub webhook_url: Option<String>,
    /// Sent as `Authorization: Bearer …` with every webhook call.
    #[arg(long, env = "ZHUQI_WEBHOOK_TOKEN", global = true)]
    pub webhook_token: Option<String>,
    /// The address users open zhuqi at, for the links in e-mails and webhook messages.
    #[arg(long, env = "ZHUQI_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Seconds between two looks at the outbox.
    #[arg(long, env = "ZHUQI_OUTBOX_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub outbox_seconds: u64,
    /// Where uploaded photos and visit sheets are stored.
    #[arg(long, env = "ZHUQI_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: std::path::PathBuf,
    /// Proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For / Forwarded
    /// headers name the client; from anyone else the headers are ignored.
    #[arg(long, env = "ZHUQI_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: String,
    /// Served over HTTPS (behind a TLS proxy): Secure cookies and HSTS. A ZHUQI_PUBLIC_URL
    /// starting with https:// does the same.
    #[arg(long, env = "ZHUQI_SECURE_COOKIES", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub secure_cookies: bool,
    /// With `serve`: load the demo province first if the database holds no firms yet.
    #[arg(long, env = "ZHUQI_DEMO", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,
    /// With `--demo`: the demo accounts keep their published password without being asked to
    /// change it at first login. For automated tests of a throw-away database only.
    #[arg(long, env = "ZHUQI_DEMO_KEEP_PASSWORDS", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo_keep_passwords: bool,
    /// The key phone numbers and second-factor secrets are sealed with (32 bytes, base64 or
    /// hex; `zhuqi generate-data-key` makes one). Unset: a key file in the data directory, made on
    /// first start, which suits a laptop only; over HTTPS the variable is required, so the key
    /// never sits beside the database it protects.
    #[arg(long, env = "ZHUQI_DATA_KEY", global = true, hide_env_values = true)]
    pub data_key: Option<String>,
    /// Log filter, e.g. `info` or `zhuqi=debug,info`.
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Config {
    /// Served over HTTPS behind a TLS proxy: Secure `__Host-` cookies, HSTS, and a data key
    /// that must come from the environment.
    pub fn served_over_https(&self) -> bool {
        self.secure_cookies
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact(&self.database_url))
            .field("addr", &self.addr)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact))
            .field("webhook_url", &self.webhook_url.as_deref().map(redact))
            .field("demo", &self.demo)
            .field("log", &self.log)
            .finish()
    }
}

/// The URL with any password replaced, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://zhuqi:s3cret@db:5432/zhuqi"),
            "postgres://zhuqi:***@db:5432/zhuqi"
        );
        assert_eq!(
            redact("postgres://zhuqi@db/zhuqi"),
            "postgres://zhuqi@db/zhuqi"
        );
        assert_eq!(
            redact("sqlite://data/zhuqi.db?mode=rwc"),
            "sqlite://data/zhuqi.db?mode=rwc"
        );
    }

    #[test]
    fn serve_is_the_default_and_flags_parse() {
        let cli =
            Cli::try_parse_from(["zhuqi", "--database-url", "sqlite::memory:"]).expect("parses");
        assert_eq!(cli.command, None);
        let cli = Cli::try_parse_from(["zhuqi", "serve", "--demo"]).expect("parses");
        assert_eq!(cli.command, Some(Command::Serve));
        assert!(cli.config.demo);
        assert!(Cli::try_parse_from(["zhuqi", "explode"]).is_err());
    }
}
