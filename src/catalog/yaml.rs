//! YAML documents with the line of every value.
//!
//! The YAML 1.2 event parser (yaml-rust2) builds a `serde_json::Value` and, on
//! the side, a map from each value's path (`[3].weight`, `levels[0].median_minutes`,
//! the same notation as `serde_path_to_error`) to its 1-based line, so that
//! every import error can say where it is.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    lines: HashMap<String, usize>,
}

/// A syntax error, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

impl Document {
    /// Line of the value at `path`, or of its nearest enclosing value.
    pub fn line(&self, path: &str) -> usize {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return *line;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return self.lines.get("").copied().unwrap_or(1),
            }
        }
    }
}

/// Parses one YAML document (the first, when a stream holds several).
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        line: e.marker().line(),
        message: e.info().to_string(),
    })?;
    if let Some(message) = builder.error {
        return Err(SyntaxError {
            line: builder.error_line,
            message,
        });
    }
    Ok(Document {
        value: builder.root.unwrap_or(Value::Null),
        lines: builder.lines,
    })
}

enum Frame {
    Seq(Vec<Value>, String),
    Map(Map<String, Value>, String, Option<String>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    lines: HashMap<String, usize>,
    anchors: HashMap<usize, Value>,
    pending_anchor: Vec<usize>,
    error: Option<String>,
    error_line: usize,
}

impl Builder {
    /// Path of the next value to be placed, or `None` when the next scalar is a mapping key.
    fn next_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Seq(items, path)) => Some(format!("{path}[{}]", items.len())),
            Some(Frame::Map(_, path, Some(key))) => Some(if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            }),
            Some(Frame::Map(_, _, None)) => None,
        }
    }

    fn fail(&mut self, line: usize, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
            self.error_line = line;
        }
    }

    fn place(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, _, key)) => {
                if let Some(k) = key.take() {
                    map.insert(k, value);
                }
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line().max(1);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(path) = self.next_path() {
                    self.lines.entry(path).or_insert(line);
                    let value = scalar(text, style, tag.as_ref());
                    self.place(value, anchor);
                } else {
                    // A mapping key.
                    let mut duplicate = false;
                    if let Some(Frame::Map(map, _, key)) = self.stack.last_mut() {
                        duplicate = map.contains_key(&text);
                        *key = Some(text.clone());
                    }
                    if duplicate {
                        self.fail(line, format!("duplicate key `{text}`"));
                    }
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let Some(path) = self.next_path() else {
                    self.fail(line, "a mapping key must be a plain value".into());
                    return;
                };
                self.lines.entry(path.clone()).or_insert(line);
                self.pending_anchor.push(anchor);
                if matches!(event, Event::SequenceStart(..)) {
                    self.stack.push(Frame::Seq(Vec::new(), path));
                } else {
                    self.stack.push(Frame::Map(Map::new(), path, None));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let anchor = self.pending_anchor.pop().unwrap_or(0);
                let value = match self.stack.pop() {
                    Some(Frame::Seq(items, _)) => Value::Array(items),
                    Some(Frame::Map(map, _, _)) => Value::Object(map),
                    None => return,
                };
                self.place(value, anchor);
            }
            Event::Alias(id) => {
                if let Some(path) = self.next_path() {
                    self.lines.entry(path).or_insert(line);
                    let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                    self.place(value, 0);
                }
            }
            _ => {}
        }
    }
}

/// YAML 1.2 core schema: plain scalars may be null, booleans or numbers;
/// quoted and block scalars are strings.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag
        && tag.suffix == "str"
    {
        return Value::String(text);
    }
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Number(i.into());
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if looks_numeric
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_lines() {
        let doc = parse(
            "# comment\nslug: spirit-island\nweight: 3.86\nmin_players: 1\nid: \"0191\"\n\
             mechanics:\n  - cooperative\n  - hand-management\nlevels:\n  - experience_level: first_play\n    median_minutes: 165\nnothing: ~\nflag: true\n",
        )
        .unwrap();
        let v = &doc.value;
        assert_eq!(v["slug"], "spirit-island");
        assert_eq!(v["weight"], 3.86);
        assert_eq!(v["min_players"], 1);
        assert_eq!(v["id"], "0191");
        assert_eq!(v["mechanics"][1], "hand-management");
        assert_eq!(v["levels"][0]["median_minutes"], 165);
        assert!(v["nothing"].is_null());
        assert_eq!(v["flag"], true);
        assert_eq!(doc.line("slug"), 2);
        assert_eq!(doc.line("weight"), 3);
        assert_eq!(doc.line("mechanics[1]"), 8);
        assert_eq!(doc.line("levels[0].median_minutes"), 11);
        assert_eq!(
            doc.line("levels[0].unknown_field"),
            10,
            "nearest enclosing value"
        );
    }

    #[test]
    fn sequences_at_the_root_and_block_scalars() {
        let doc =
            parse("- slug: a\n  description: >-\n    two\n    lines\n- slug: b\n  weight: 7\n")
                .unwrap();
        assert_eq!(doc.value[0]["description"], "two lines");
        assert_eq!(doc.line("[1].weight"), 6);
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_have_lines() {
        let err = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("duplicate key"));
    }

    #[test]
    fn anchors_and_aliases_resolve() {
        let doc = parse("base: &b\n  x: 1\ncopy: *b\n").unwrap();
        assert_eq!(doc.value["copy"]["x"], 1);
    }
}
