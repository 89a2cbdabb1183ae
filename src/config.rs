//! Configuration from environment variables only (12-factor).
//!
//! Every variable is read and validated once at start-up. A bad value is a
//! [`ConfigError`] naming the variable, the offending value (redacted when it
//! is a secret) and what was expected; the CLI prints it on one line and exits
//! with status 2.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use url::Url;

/// Which database the server talks to.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// The embedded default: a SQLite file inside `data_dir`.
    Embedded { data_dir: PathBuf },
    /// PostgreSQL primary, with zero or more read replicas.
    Postgres { primary: Url, replicas: Vec<Url> },
}

impl DatabaseTarget {
    /// Connection URL of the primary (secret: never log it, use [`redact_url`]).
    pub fn primary_url(&self) -> String {
        match self {
            DatabaseTarget::Embedded { data_dir } => {
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("opentabletop.db").display()
                )
            }
            DatabaseTarget::Postgres { primary, .. } => primary.to_string(),
        }
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self, DatabaseTarget::Embedded { .. })
    }
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseTarget::Embedded { data_dir } => f
                .debug_struct("Embedded")
                .field("data_dir", data_dir)
                .finish(),
            DatabaseTarget::Postgres { primary, replicas } => f
                .debug_struct("Postgres")
                .field("primary", &redact_url(primary))
                .field(
                    "replicas",
                    &replicas.iter().map(redact_url).collect::<Vec<_>>(),
                )
                .finish(),
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// Allowed CORS origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

/// The validated configuration of a server process.
#[derive(Clone)]
pub struct Config {
    pub bind_addr: IpAddr,
    pub port: u16,
    pub database: DatabaseTarget,
    pub pool_size: u32,
    pub pool_acquire_timeout: Duration,
    pub connect_timeout: Duration,
    pub auto_migrate: bool,
    pub replica_max_lag: Duration,
    pub replica_check_interval: Duration,
    pub log_level: String,
    pub log_format: LogFormat,
    pub otel_endpoint: Option<String>,
    pub otel_service_name: String,
    pub cors_origins: CorsOrigins,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub shutdown_grace: Duration,
    pub shutdown_delay: Duration,
    pub public_base_url: Option<Url>,
    /// Load the demo catalog when `serve` finds an empty embedded database.
    pub seed_demo: bool,
    /// Key that signs pagination cursors; every replica of a deployment needs
    /// the same one. `None`: a built-in key (cursors stay valid, but anyone who
    /// reads this source can forge them).
    pub cursor_secret: Option<String>,
    /// How long a counted `meta.total` is reused for the same query
    /// (`COUNT_CACHE_TTL_MS`, 0 = count every request).
    pub count_cache_ttl: Duration,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind_addr", &self.bind_addr)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("pool_size", &self.pool_size)
            .field("pool_acquire_timeout", &self.pool_acquire_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("auto_migrate", &self.auto_migrate)
            .field("replica_max_lag", &self.replica_max_lag)
            .field("replica_check_interval", &self.replica_check_interval)
            .field("log_level", &self.log_level)
            .field("log_format", &self.log_format)
            .field("otel_endpoint", &self.otel_endpoint)
            .field("otel_service_name", &self.otel_service_name)
            .field("cors_origins", &self.cors_origins)
            .field("request_timeout", &self.request_timeout)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("shutdown_delay", &self.shutdown_delay)
            .field("count_cache_ttl", &self.count_cache_ttl)
            .field("public_base_url", &self.public_base_url)
            .field("seed_demo", &self.seed_demo)
            .field(
                "cursor_secret",
                &self.cursor_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// A configuration variable with a value the server cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {name}={value}: expected {expected}")]
pub struct ConfigError {
    pub name: &'static str,
    /// The offending value, already redacted when the variable holds a secret.
    pub value: String,
    pub expected: String,
}

/// Replace the password of a URL with `***` so it can be logged or shown.
pub fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// Reads variables from a map (the process environment in production, a
/// literal map in tests), so parsing is pure and testable.
struct Vars<'a> {
    map: &'a HashMap<String, String>,
}

impl Vars<'_> {
    /// The trimmed value, `None` when unset or empty.
    fn get(&self, name: &str) -> Option<&str> {
        self.map
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn parse<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
        expected: &str,
        valid: impl Fn(&T) -> bool,
    ) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse::<T>()
                .ok()
                .filter(|v| valid(v))
                .ok_or_else(|| invalid(name, raw, expected)),
        }
    }

    fn boolean(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(invalid(name, raw, "true or false")),
            },
        }
    }

    fn seconds(
        &self,
        name: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<Duration, ConfigError> {
        let expected = format!("a whole number of seconds from {min} to {max}");
        self.parse(name, default, &expected, |v| (min..=max).contains(v))
            .map(Duration::from_secs)
    }

    fn millis(
        &self,
        name: &'static str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<Duration, ConfigError> {
        let expected = format!("a whole number of milliseconds from {min} to {max}");
        self.parse(name, default, &expected, |v| (min..=max).contains(v))
            .map(Duration::from_millis)
    }
}

fn invalid(name: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError {
        name,
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

/// A URL variable whose value is a secret: errors show it redacted.
fn secret_url(name: &'static str, raw: &str, expected: &str) -> Result<Url, ConfigError> {
    Url::parse(raw).map_err(|_| ConfigError {
        name,
        // An unparseable URL cannot be redacted reliably: show nothing of it.
        value: "[redacted]".into(),
        expected: expected.into(),
    })
}

fn postgres_url(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    const EXPECTED: &str = "a postgres://user:password@host:port/database URL";
    let url = secret_url(name, raw, EXPECTED)?;
    if !matches!(url.scheme(), "postgres" | "postgresql") || url.host_str().is_none() {
        return Err(ConfigError {
            name,
            value: redact_url(&url),
            expected: EXPECTED.into(),
        });
    }
    Ok(url)
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_map(&std::env::vars().collect())
    }

    /// Reads the configuration from a map of variables.
    pub fn from_map(map: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let vars = Vars { map };

        let port = vars.parse("PORT", 8080u16, "a TCP port number from 1 to 65535", |p| {
            *p > 0
        })?;
        let bind_addr = vars.parse(
            "BIND_ADDRESS",
            IpAddr::from([0, 0, 0, 0]),
            "an IP address such as 0.0.0.0, 127.0.0.1 or ::",
            |_| true,
        )?;

        let replicas_raw = vars.get("DATABASE_REPLICA_URL");
        let database = match vars.get("DATABASE_URL") {
            None => {
                if replicas_raw.is_some() {
                    return Err(ConfigError {
                        name: "DATABASE_REPLICA_URL",
                        value: "[set]".into(),
                        expected: "no replicas on the embedded default (set DATABASE_URL to a PostgreSQL primary first)".into(),
                    });
                }
                let data_dir = PathBuf::from(vars.get("OPENTABLETOP_DATA_DIR").unwrap_or("./data"));
                DatabaseTarget::Embedded { data_dir }
            }
            Some(raw) => {
                let primary = postgres_url("DATABASE_URL", raw)?;
                let replicas = replicas_raw
                    .map(|list| {
                        list.split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(|r| postgres_url("DATABASE_REPLICA_URL", r))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .transpose()?
                    .unwrap_or_default();
                DatabaseTarget::Postgres { primary, replicas }
            }
        };

        let pool_size = vars.parse(
            "DATABASE_POOL_SIZE",
            10u32,
            "a pool size from 1 to 1000",
            |n| (1..=1000).contains(n),
        )?;
        let pool_acquire_timeout = vars.seconds("DATABASE_ACQUIRE_TIMEOUT", 5, 1, 300)?;
        let connect_timeout = vars.seconds("DATABASE_CONNECT_TIMEOUT", 30, 1, 3600)?;
        let auto_migrate = vars.boolean("AUTO_MIGRATE", false)?;
        let replica_max_lag = vars.seconds("REPLICA_MAX_LAG_SECONDS", 30, 1, 86_400)?;
        let replica_check_interval = vars.millis("REPLICA_CHECK_INTERVAL_MS", 1000, 50, 60_000)?;

        let log_level = match vars.get("LOG_LEVEL") {
            None => "info".to_string(),
            Some(raw) => {
                let lower = raw.to_ascii_lowercase();
                if !["trace", "debug", "info", "warn", "error"].contains(&lower.as_str()) {
                    return Err(invalid(
                        "LOG_LEVEL",
                        raw,
                        "one of trace, debug, info, warn, error",
                    ));
                }
                lower
            }
        };
        let log_format = match vars.get("LOG_FORMAT").map(str::to_ascii_lowercase) {
            None => LogFormat::Json,
            Some(v) if v == "json" => LogFormat::Json,
            Some(v) if v == "pretty" => LogFormat::Pretty,
            Some(v) => return Err(invalid("LOG_FORMAT", &v, "json or pretty")),
        };

        let otel_endpoint = match vars.get("OTEL_EXPORTER_OTLP_ENDPOINT") {
            None => None,
            Some(raw) => {
                let ok = Url::parse(raw)
                    .map(|u| matches!(u.scheme(), "http" | "https"))
                    .unwrap_or(false);
                if !ok {
                    return Err(invalid(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        raw,
                        "an http:// or https:// URL of an OTLP/gRPC collector",
                    ));
                }
                Some(raw.to_string())
            }
        };
        let otel_service_name = vars
            .get("OTEL_SERVICE_NAME")
            .unwrap_or("opentabletop")
            .to_string();

        let cors_origins = match vars.get("CORS_ORIGINS") {
            None | Some("*") => CorsOrigins::Any,
            Some(list) => {
                let mut origins = Vec::new();
                for origin in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let ok = Url::parse(origin)
                        .map(|u| {
                            matches!(u.scheme(), "http" | "https")
                                && u.host_str().is_some()
                                && u.path() == "/"
                                && !origin.ends_with('/')
                        })
                        .unwrap_or(false);
                    if !ok {
                        return Err(invalid(
                            "CORS_ORIGINS",
                            origin,
                            "* or a comma-separated list of origins such as https://example.org",
                        ));
                    }
                    origins.push(origin.to_string());
                }
                CorsOrigins::List(origins)
            }
        };

        let request_timeout = vars.seconds("REQUEST_TIMEOUT_SECONDS", 30, 1, 3600)?;
        let body_limit_bytes = vars.parse(
            "REQUEST_BODY_LIMIT_BYTES",
            1_048_576usize,
            "a size in bytes from 1024 to 104857600",
            |n| (1024..=104_857_600).contains(n),
        )?;
        let shutdown_grace = vars.seconds("SHUTDOWN_GRACE_SECONDS", 25, 0, 3600)?;
        let shutdown_delay = vars.seconds("SHUTDOWN_DELAY_SECONDS", 0, 0, 3600)?;
        let count_cache_ttl = vars.millis("COUNT_CACHE_TTL_MS", 2000, 0, 600_000)?;
        let public_base_url = match vars.get("PUBLIC_BASE_URL") {
            None => None,
            Some(raw) => {
                let url = Url::parse(raw.trim_end_matches('/'))
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                    .ok_or_else(|| {
                        invalid(
                            "PUBLIC_BASE_URL",
                            raw,
                            "an absolute http(s) URL such as https://api.example.org",
                        )
                    })?;
                Some(url)
            }
        };

        let seed_demo = vars.boolean("SEED_DEMO", true)?;
        let cursor_secret = match vars.get("CURSOR_SECRET") {
            None => None,
            Some(raw) if raw.len() >= 16 => Some(raw.to_string()),
            Some(_) => {
                return Err(ConfigError {
                    name: "CURSOR_SECRET",
                    value: "[redacted]".into(),
                    expected: "a secret of at least 16 characters".into(),
                });
            }
        };

        Ok(Config {
            bind_addr,
            port,
            database,
            pool_size,
            pool_acquire_timeout,
            connect_timeout,
            auto_migrate,
            replica_max_lag,
            replica_check_interval,
            log_level,
            log_format,
            otel_endpoint,
            otel_service_name,
            cors_origins,
            request_timeout,
            body_limit_bytes,
            shutdown_grace,
            shutdown_delay,
            public_base_url,
            seed_demo,
            cursor_secret,
            count_cache_ttl,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_map(&map)
    }

    #[test]
    fn defaults_give_the_embedded_database() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.pool_size, 10);
        assert_eq!(c.replica_max_lag, Duration::from_secs(30));
        assert_eq!(c.shutdown_grace, Duration::from_secs(25));
        assert!(c.database.is_embedded());
        assert!(c.seed_demo);
        assert_eq!(c.cors_origins, CorsOrigins::Any);
        assert!(!c.auto_migrate);
        assert!(
            c.database
                .primary_url()
                .starts_with("sqlite://./data/opentabletop.db")
        );
    }

    #[test]
    fn bad_port_names_variable_value_and_expectation() {
        let e = cfg(&[("PORT", "abc")]).unwrap_err();
        assert_eq!(e.name, "PORT");
        assert_eq!(e.value, "abc");
        assert_eq!(
            e.to_string(),
            "invalid configuration: PORT=abc: expected a TCP port number from 1 to 65535"
        );
        assert_eq!(cfg(&[("PORT", "0")]).unwrap_err().name, "PORT");
        assert_eq!(cfg(&[("PORT", "70000")]).unwrap_err().name, "PORT");
    }

    #[test]
    fn non_postgres_database_url_is_rejected() {
        let e = cfg(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.name, "DATABASE_URL");
        assert!(e.expected.contains("postgres://"), "{e}");
    }

    #[test]
    fn secrets_are_redacted_in_errors_and_debug() {
        let e = cfg(&[("DATABASE_URL", "mysql://user:hunter2@db/x")]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let c = cfg(&[
            ("DATABASE_URL", "postgres://app:s3cret@db:5432/app"),
            (
                "DATABASE_REPLICA_URL",
                "postgres://app:s3cret@r1/app, postgres://app:s3cret@r2/app",
            ),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        match c.database {
            DatabaseTarget::Postgres { replicas, .. } => assert_eq!(replicas.len(), 2),
            other => panic!("expected postgres, got {other:?}"),
        }
    }

    #[test]
    fn replicas_need_a_postgres_primary() {
        let e = cfg(&[("DATABASE_REPLICA_URL", "postgres://r/x")]).unwrap_err();
        assert_eq!(e.name, "DATABASE_REPLICA_URL");
        let e = cfg(&[
            ("DATABASE_URL", "postgres://p/x"),
            ("DATABASE_REPLICA_URL", "sqlite://x"),
        ])
        .unwrap_err();
        assert_eq!(e.name, "DATABASE_REPLICA_URL");
    }

    #[test]
    fn enumerations_and_ranges_are_checked() {
        assert_eq!(
            cfg(&[("LOG_FORMAT", "xml")]).unwrap_err().name,
            "LOG_FORMAT"
        );
        assert_eq!(cfg(&[("LOG_LEVEL", "loud")]).unwrap_err().name, "LOG_LEVEL");
        assert_eq!(
            cfg(&[("DATABASE_POOL_SIZE", "0")]).unwrap_err().name,
            "DATABASE_POOL_SIZE"
        );
        assert_eq!(
            cfg(&[("AUTO_MIGRATE", "maybe")]).unwrap_err().name,
            "AUTO_MIGRATE"
        );
        assert_eq!(
            cfg(&[("CORS_ORIGINS", "example.org")]).unwrap_err().name,
            "CORS_ORIGINS"
        );
        let e = cfg(&[("CURSOR_SECRET", "short")]).unwrap_err();
        assert_eq!(e.name, "CURSOR_SECRET");
        assert!(!e.to_string().contains("short"), "secrets are not echoed");
        let c = cfg(&[
            ("CORS_ORIGINS", "https://a.example, http://localhost:3000"),
            ("LOG_FORMAT", "PRETTY"),
            ("AUTO_MIGRATE", "true"),
        ])
        .unwrap();
        assert_eq!(
            c.cors_origins,
            CorsOrigins::List(vec![
                "https://a.example".into(),
                "http://localhost:3000".into()
            ])
        );
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert!(c.auto_migrate);
    }
}
