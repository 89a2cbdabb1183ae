//! The command line: exit statuses 0/1/2, --json, --junit, --expect-fail.

mod double;

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_opentabletop-conformance"))
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("otc-cli-{}-{name}", std::process::id()))
}

#[test]
fn exit_statuses_and_reports() {
    // 0 against the good double, with both reports written
    let good = double::spawn(None);
    let (json, junit) = (tmp("good.jsonl"), tmp("good.xml"));
    let out = bin()
        .args(["--base-url", &good, "--classes", "core,errors", "--json"])
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines = std::fs::read_to_string(&json).expect("json written");
    for l in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
        for k in ["id", "class", "level", "status", "citation", "message"] {
            assert!(v.get(k).is_some(), "{k} in {l}");
        }
    }
    assert!(
        std::fs::read_to_string(&junit)
            .expect("junit written")
            .contains("<testsuite name=\"core\"")
    );

    // 1 against a broken one; 0 again once the failures are expected
    let broken = double::spawn(Some(double::Fault::EmitNull));
    let out = bin()
        .args(["--base-url", &broken, "--classes", "core"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL  core/no-null") && stdout.contains("reproduce: curl"),
        "{stdout}"
    );
    let expect = tmp("expect.txt");
    std::fs::write(
        &expect,
        "# known\ncore/no-null\ncore/response-schema  # null is not a string\n",
    )
    .expect("write");
    let out = bin()
        .args(["--base-url", &broken, "--classes", "core", "--expect-fail"])
        .arg(&expect)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("XFAIL core/no-null"));

    // 2 when the suite cannot run
    let out = bin()
        .args(["--base-url", "http://127.0.0.1:9"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["--base-url", &good, "--spec", "/nonexistent.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["--base-url", &good, "--classes", "nonsense"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    for p in [json, junit, expect] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn list_prints_the_registry() {
    let out = bin().arg("--list").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 90);
    assert!(text.contains("core/game-by-slug") && text.contains("MUST"));
}
