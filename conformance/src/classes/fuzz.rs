//! `fuzz`: runs schemathesis (pinned) with all checks against the chosen
//! document and folds its findings into the report: one record for the run,
//! one per failing operation.
//!
//! schemathesis is installed on first use into a virtualenv
//! (`--venv`, default `$XDG_CACHE_HOME/opentabletop-conformance/venv`); without
//! python3 the class is skipped with the reason.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::FuzzConfig;
use crate::ctx::{Ctx, Finding};
use crate::registry::Level;
use crate::report::{Status, TestRecord};

pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

pub fn default_venv() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("opentabletop-conformance").join("venv")
}

/// The schemathesis executable, installing it when needed.
fn schemathesis(cfg: &FuzzConfig) -> Result<PathBuf, Finding> {
    if let Some(p) = &cfg.schemathesis {
        return Ok(p.clone());
    }
    let venv = cfg.venv.clone().unwrap_or_else(default_venv);
    let exe = venv.join("bin").join("schemathesis");
    let installed = venv.join(format!(".schemathesis-{SCHEMATHESIS_VERSION}"));
    if exe.exists() && installed.exists() {
        return Ok(exe);
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .ok_or_else(|| {
            Finding::skip("python3 is not installed; the fuzz class needs it to run schemathesis")
        })?;
    eprintln!(
        "opentabletop-conformance: installing schemathesis {SCHEMATHESIS_VERSION} into {}",
        venv.display()
    );
    run_quiet(
        Command::new(python).args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    )?;
    let pip = venv.join("bin").join("pip");
    run_quiet(
        Command::new(&pip).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ]),
        "pip install schemathesis",
    )?;
    let _ = std::fs::write(&installed, SCHEMATHESIS_VERSION);
    Ok(exe)
}

fn run_quiet(cmd: &mut Command, what: &str) -> Result<(), Finding> {
    let out = cmd
        .output()
        .map_err(|e| Finding::skip(format!("{what}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Finding::skip(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .rev()
                .take(800)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        )))
    }
}

/// (operation label, failure text) for every failing testcase of a JUnit report.
pub fn junit_failures(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for case in xml.split("<testcase").skip(1) {
        let end = case.find("</testcase>").unwrap_or(case.len());
        let body = &case[..end];
        let name = attr(body, "name").unwrap_or_else(|| "unknown operation".into());
        let mut texts = Vec::new();
        for tag in ["<failure", "<error"] {
            for part in body.split(tag).skip(1) {
                let msg = attr(part, "message").unwrap_or_default();
                let inner = part.split_once('>').map(|(_, r)| r).unwrap_or("");
                let inner = inner.split("</").next().unwrap_or("");
                texts.push(unescape(if inner.trim().is_empty() { &msg } else { inner }));
            }
        }
        if !texts.is_empty() {
            out.push((unescape(&name), texts.join("\n")));
        }
    }
    out
}

fn attr(s: &str, name: &str) -> Option<String> {
    let head = s.split('>').next()?;
    let key = format!("{name}=\"");
    let start = head.find(&key)? + key.len();
    let rest = &head[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#10;", "\n")
        .replace("&amp;", "&")
}

fn slug_of(label: &str) -> String {
    let mut s: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s.trim_matches('-').to_owned()
}

pub fn run(ctx: &Ctx, cfg: &FuzzConfig, spec_location: &str) {
    let start = Instant::now();
    let exe = match schemathesis(cfg) {
        Ok(e) => e,
        Err(f) => {
            ctx.record("fuzz/schemathesis", Err(f), 0);
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!(
        "otc-fuzz-{}-{}",
        std::process::id(),
        start.elapsed().as_nanos()
    ));
    let _ = std::fs::create_dir_all(&dir);
    let mut cmd = Command::new(&exe);
    cmd.arg("run")
        .arg(spec_location)
        .args(["--url", ctx.client.base_url()])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--max-examples", &cfg.max_examples.to_string()])
        .args(["--seed", &ctx.rng.borrow().seed().to_string()])
        .args(["--report", "junit", "--report-dir"])
        .arg(&dir)
        .env("NO_COLOR", "1");
    if cfg.max_time > 0 {
        cmd.args(["--max-time", &cfg.max_time.to_string()]);
    }
    if let Some(k) = ctx.client.api_key() {
        cmd.args(["--header", &format!("X-API-Key: {k}")]);
    }
    let shown = format!(
        "{} run {spec_location} --url {} --checks all --exclude-checks positive_data_acceptance --max-examples {} --seed {}",
        exe.display(),
        ctx.client.base_url(),
        cfg.max_examples,
        ctx.rng.borrow().seed()
    );
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            ctx.record(
                "fuzz/schemathesis",
                Err(Finding::skip(format!("cannot run {}: {e}", exe.display()))),
                0,
            );
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let failures = read_reports(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let ms = start.elapsed().as_millis() as u64;
    for (label, text) in &failures {
        ctx.push_record(TestRecord {
            id: format!("fuzz/{}", slug_of(label)),
            class: "fuzz".into(),
            level: Level::Must,
            status: Status::Fail,
            citation: "schemathesis --checks all against the document".into(),
            title: format!("schemathesis finds no issue with {label}"),
            message: text.chars().take(3000).collect(),
            curl: text
                .lines()
                .find(|l| l.trim_start().starts_with("curl "))
                .map(|l| l.trim().to_owned()),
            duration_ms: 0,
        });
    }
    let summary: String = stdout
        .lines()
        .filter(|l| !l.contains("JUnit:") && l.trim() != "Reports:")
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    let result = match out.status.code() {
        Some(0) => Ok(format!("no issues\n{summary}")),
        Some(1) => Err(Finding::Fail {
            message: format!("{} failing operation(s)\n{summary}", failures.len()),
            curl: Some(shown),
        }),
        _ => Err(Finding::Fail {
            message: format!(
                "schemathesis exited with {} (an error, not findings):\n{summary}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            curl: Some(shown),
        }),
    };
    ctx.record("fuzz/schemathesis", result, ms);
}

fn read_reports(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|e| e == "xml")
            && let Ok(text) = std::fs::read_to_string(entry.path())
        {
            out.extend(junit_failures(&text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_junit_failures() {
        let xml = r#"<testsuites><testsuite name="schemathesis"><testcase name="GET /games" time="0.1"></testcase>
<testcase name="GET /games/{id}"><failure type="failure" message="Server error">1. Server error&#10;curl -X GET http://x/games/%00</failure></testcase></testsuite></testsuites>"#;
        let f = junit_failures(xml);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "GET /games/{id}");
        assert!(f[0].1.contains("curl -X GET"));
        assert_eq!(slug_of(&f[0].0), "get-games-id");
    }
}
