//! Test records and the three outputs: console summary, JSON lines, JUnit XML.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::registry::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    /// A failure listed in `--expect-fail`.
    Xfail,
    /// Listed in `--expect-fail` but passed (reported as a warning).
    Xpass,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::Xfail => "XFAIL",
            Status::Xpass => "XPASS",
        }
    }
}

/// One test: one requirement's verdict (mint style: one JSON object per line).
#[derive(Clone, Debug, Serialize)]
pub struct TestRecord {
    pub id: String,
    pub class: String,
    pub level: Level,
    pub status: Status,
    pub citation: String,
    pub title: String,
    pub message: String,
    /// The request that shows a failure, as a curl command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    pub duration_ms: u64,
}

/// All records of a run, plus context for the summary.
#[derive(Debug, Default)]
pub struct Report {
    pub base_url: String,
    pub spec_source: String,
    pub records: Vec<TestRecord>,
}

impl Report {
    /// Applies `--expect-fail`: failures listed become xfail, passes listed become xpass.
    pub fn apply_expectations(&mut self, expected: &BTreeSet<String>) {
        for r in &mut self.records {
            if expected.contains(&r.id) {
                r.status = match r.status {
                    Status::Fail => Status::Xfail,
                    Status::Pass => Status::Xpass,
                    s => s,
                };
            }
        }
    }

    /// Failures that count: MUST-level, not expected.
    pub fn must_failures(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.status == Status::Fail && r.level == Level::Must)
            .count()
    }

    pub fn count(&self, s: Status) -> usize {
        self.records.iter().filter(|r| r.status == s).count()
    }

    pub fn find(&self, id: &str) -> Option<&TestRecord> {
        self.records.iter().find(|r| r.id == id)
    }

    /// 0: every MUST passed (or is an expected failure); 1: a MUST failed.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.must_failures() > 0)
    }

    /// The human-readable summary.
    pub fn console(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "OpenTabletop conformance: {}", self.base_url);
        let _ = writeln!(out, "schema document: {}", self.spec_source);
        let mut classes: BTreeMap<&str, Vec<&TestRecord>> = BTreeMap::new();
        let mut order = Vec::new();
        for r in &self.records {
            if !classes.contains_key(r.class.as_str()) {
                order.push(r.class.as_str());
            }
            classes.entry(&r.class).or_default().push(r);
        }
        for class in order {
            let recs = &classes[class];
            let c = |s: Status| recs.iter().filter(|r| r.status == s).count();
            let _ = writeln!(
                out,
                "\n[{class}] {} pass, {} fail, {} skip{}{}",
                c(Status::Pass),
                c(Status::Fail),
                c(Status::Skip),
                if c(Status::Xfail) > 0 {
                    format!(", {} xfail", c(Status::Xfail))
                } else {
                    String::new()
                },
                if c(Status::Xpass) > 0 {
                    format!(", {} xpass", c(Status::Xpass))
                } else {
                    String::new()
                },
            );
            // a class skipped as a whole (e.g. sample-data without the sample catalog): one line
            let all_skipped = recs.iter().all(|r| r.status == Status::Skip)
                && recs.windows(2).all(|w| w[0].message == w[1].message);
            if all_skipped && !verbose {
                let _ = writeln!(
                    out,
                    "  all skipped: {}",
                    recs[0].message.lines().next().unwrap_or("")
                );
                continue;
            }
            for r in recs {
                if r.status == Status::Pass && !verbose {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "  {:5} {} ({}) {}",
                    r.status.label(),
                    r.id,
                    r.level.as_str(),
                    r.title
                );
                if r.status == Status::Skip {
                    let _ = writeln!(
                        out,
                        "        skipped: {}",
                        r.message.lines().next().unwrap_or("")
                    );
                    continue;
                }
                if r.status != Status::Pass || verbose {
                    for line in r.message.lines().filter(|l| !l.is_empty()) {
                        let _ = writeln!(out, "        {line}");
                    }
                }
                if r.status != Status::Pass {
                    let _ = writeln!(out, "        cites: {}", r.citation);
                    if let Some(c) = &r.curl {
                        let _ = writeln!(out, "        reproduce: {c}");
                    }
                }
                if r.status == Status::Xpass {
                    let _ = writeln!(
                        out,
                        "        warning: listed in --expect-fail but passes; remove it from the list"
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "\nTOTAL {} tests: {} pass, {} fail ({} MUST), {} skip, {} xfail, {} xpass",
            self.records.len(),
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.must_failures(),
            self.count(Status::Skip),
            self.count(Status::Xfail),
            self.count(Status::Xpass),
        );
        out
    }

    /// One JSON object per line.
    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        for r in &self.records {
            out.push_str(&serde_json::to_string(r).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// JUnit XML: one testsuite per class, one testcase per requirement.
    pub fn junit(&self) -> String {
        let mut by_class: BTreeMap<&str, Vec<&TestRecord>> = BTreeMap::new();
        for r in &self.records {
            by_class.entry(&r.class).or_default().push(r);
        }
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"opentabletop-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            self.records.len(),
            self.count(Status::Fail),
            self.count(Status::Skip) + self.count(Status::Xfail)
        );
        for (class, recs) in by_class {
            let fails = recs.iter().filter(|r| r.status == Status::Fail).count();
            let skips = recs
                .iter()
                .filter(|r| matches!(r.status, Status::Skip | Status::Xfail))
                .count();
            let time: u64 = recs.iter().map(|r| r.duration_ms).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" skipped=\"{skips}\" time=\"{:.3}\">",
                xml(class),
                recs.len(),
                time as f64 / 1000.0
            );
            for r in recs {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                    xml(class),
                    xml(&r.id),
                    r.duration_ms as f64 / 1000.0
                );
                let detail = format!(
                    "{}\nlevel: {}\ncites: {}{}",
                    r.message,
                    r.level.as_str(),
                    r.citation,
                    r.curl
                        .as_deref()
                        .map(|c| format!("\nreproduce: {c}"))
                        .unwrap_or_default()
                );
                match r.status {
                    Status::Fail => {
                        let _ = write!(
                            out,
                            "<failure message=\"{}\" type=\"{}\">{}</failure>",
                            xml(first_line(&r.message)),
                            r.level.as_str(),
                            xml(&detail)
                        );
                    }
                    Status::Skip => {
                        let _ = write!(
                            out,
                            "<skipped message=\"{}\"/>",
                            xml(first_line(&r.message))
                        );
                    }
                    Status::Xfail => {
                        let _ = write!(
                            out,
                            "<skipped message=\"expected failure: {}\"/>",
                            xml(first_line(&r.message))
                        );
                    }
                    Status::Xpass => {
                        let _ = write!(
                            out,
                            "<system-out>{}</system-out>",
                            xml("listed in --expect-fail but passes")
                        );
                    }
                    Status::Pass => {}
                }
                out.push_str("</testcase>\n");
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => o.push('?'),
            c => o.push(c),
        }
    }
    o
}

/// Reads an `--expect-fail` file: requirement ids, one per line, `#` comments.
pub fn parse_expect_fail(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, status: Status, level: Level) -> TestRecord {
        TestRecord {
            id: id.into(),
            class: "core".into(),
            level,
            status,
            citation: "c".into(),
            title: "t".into(),
            message: "m <x>".into(),
            curl: None,
            duration_ms: 1,
        }
    }

    #[test]
    fn expectations_and_exit_code() {
        let mut r = Report {
            records: vec![
                rec("core/a", Status::Fail, Level::Must),
                rec("core/b", Status::Pass, Level::Must),
                rec("core/c", Status::Fail, Level::Should),
            ],
            ..Report::default()
        };
        assert_eq!(r.exit_code(), 1);
        r.apply_expectations(&parse_expect_fail("# known\ncore/a  # tracked\n\ncore/b\n"));
        assert_eq!(r.find("core/a").unwrap().status, Status::Xfail);
        assert_eq!(r.find("core/b").unwrap().status, Status::Xpass);
        assert_eq!(r.exit_code(), 0);
        assert!(r.junit().contains("&lt;x&gt;"));
        assert_eq!(r.json_lines().lines().count(), 3);
    }
}
