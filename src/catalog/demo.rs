//! The demo catalog written by this project (`demo/` in the repository),
//! compiled into the binary: loaded on the first start of the embedded
//! default, and by `opentabletop seed-demo` on any backend.

use include_dir::{Dir, include_dir};

use super::Source;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/demo");

/// Every file of the demo catalog.
pub fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    collect(&DEMO, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

fn collect(dir: &Dir<'static>, out: &mut Vec<Source>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        if let Some(text) = file.contents_utf8()
            && rel.ends_with(".yaml")
        {
            out.push(Source {
                path: format!("demo/{rel}"),
                rel,
                text: text.to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}
