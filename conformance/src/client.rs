//! The HTTP side: requests against the server under test, each one reproducible
//! as a `curl` command line.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

/// Query parameters in the order they are sent.
pub type Query = Vec<(String, String)>;

/// Builds a [`Query`] from `&str` pairs.
pub fn q(pairs: &[(&str, &str)]) -> Query {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// One request as sent: enough to print it as a curl command.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub body: Option<String>,
    pub api_key: bool,
}

impl Request {
    /// The request as a shell command (the API key, if any, is left as a variable).
    pub fn curl(&self) -> String {
        let mut s = String::from("curl -sS -i");
        if self.method != "GET" {
            s.push_str(&format!(" -X {}", self.method));
        }
        s.push_str(&format!(" {}", shell_quote(&self.url)));
        if self.api_key {
            s.push_str(" -H \"X-API-Key: $OPENTABLETOP_API_KEY\"");
        }
        if let Some(body) = &self.body {
            s.push_str(" -H 'Content-Type: application/json' --data ");
            s.push_str(&shell_quote(body));
        }
        s
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A response, with the request that produced it.
#[derive(Clone, Debug)]
pub struct Response {
    pub request: Request,
    pub status: u16,
    /// Header names lower-cased; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    pub body: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    pub fn curl(&self) -> String {
        self.request.curl()
    }

    /// The JSON body, or `Value::Null` when the body is not JSON.
    pub fn j(&self) -> &Value {
        static NULL: Value = Value::Null;
        self.json.as_ref().unwrap_or(&NULL)
    }
}

/// The client for one server under test.
pub struct Client {
    base: String,
    origin: String,
    api_key: Option<String>,
    http: reqwest::blocking::Client,
    timeout: Duration,
}

impl Client {
    /// `base_url` may carry a path prefix (`https://host/v1`); paths are appended to it.
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<Client, String> {
        let parsed =
            url::Url::parse(base_url).map_err(|e| format!("--base-url {base_url:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "--base-url {base_url:?}: only http and https are supported"
            ));
        }
        let origin = parsed.origin().ascii_serialization();
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "opentabletop-conformance/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Client {
            base: base_url.trim_end_matches('/').to_owned(),
            origin,
            api_key,
            http,
            timeout,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The URL for `path` (starting with `/`) under the base URL, with `query` encoded.
    pub fn url(&self, path: &str, query: &Query) -> String {
        let mut u = format!("{}{}", self.base, path);
        if !query.is_empty() {
            let enc = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query.iter())
                .finish();
            u.push(if u.contains('?') { '&' } else { '?' });
            u.push_str(&enc);
        }
        u
    }

    /// Resolves an `href` from a response (`_links`): absolute, or server-relative.
    pub fn resolve_href(&self, href: &str) -> String {
        if href.starts_with("http://") || href.starts_with("https://") {
            href.to_owned()
        } else if href.starts_with('/') {
            format!("{}{}", self.origin, href)
        } else {
            format!("{}/{}", self.base, href)
        }
    }

    pub fn get(&self, path: &str, query: &Query) -> Result<Response, String> {
        let url = self.url(path, query);
        self.send("GET", &url, None)
    }

    /// GET with extra request headers (the body is read but may stay encoded).
    pub fn get_with(
        &self,
        path: &str,
        query: &Query,
        headers: &[(&str, &str)],
    ) -> Result<Response, String> {
        let url = self.url(path, query);
        self.send_with("GET", &url, None, headers)
    }

    pub fn get_url(&self, url: &str) -> Result<Response, String> {
        self.send("GET", url, None)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Result<Response, String> {
        let url = self.url(path, &Vec::new());
        self.send("POST", &url, Some(body.to_string()))
    }

    /// POST with a raw (possibly malformed) body sent as `application/json`.
    pub fn post_raw(&self, path: &str, body: &str) -> Result<Response, String> {
        let url = self.url(path, &Vec::new());
        self.send("POST", &url, Some(body.to_owned()))
    }

    fn send(&self, method: &str, url: &str, body: Option<String>) -> Result<Response, String> {
        self.send_with(method, url, body, &[])
    }

    fn send_with(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> Result<Response, String> {
        let request = Request {
            method: method.to_owned(),
            url: url.to_owned(),
            body: body.clone(),
            api_key: self.api_key.is_some(),
        };
        // A rate-limited answer is retried after its Retry-After (a few times).
        for attempt in 0..4 {
            let mut rb = match method {
                "POST" => self.http.post(url),
                _ => self.http.get(url),
            };
            if let Some(k) = &self.api_key {
                rb = rb.header("X-API-Key", k);
            }
            for (k, v) in extra {
                rb = rb.header(*k, *v);
            }
            if let Some(b) = &body {
                rb = rb
                    .header("Content-Type", "application/json")
                    .body(b.clone());
            }
            let resp = rb
                .send()
                .map_err(|e| format!("{method} {url}: {}", error_chain(&e)))?;
            let status = resp.status().as_u16();
            let mut headers = BTreeMap::new();
            for (k, v) in resp.headers() {
                let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                headers
                    .entry(k.as_str().to_ascii_lowercase())
                    .and_modify(|old: &mut String| {
                        old.push_str(", ");
                        old.push_str(&v);
                    })
                    .or_insert(v);
            }
            if status == 429 && attempt < 3 {
                let wait = headers
                    .get("retry-after")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .unwrap_or(2)
                    .clamp(1, 60);
                std::thread::sleep(Duration::from_secs(wait));
                continue;
            }
            let body = resp
                .text()
                .map_err(|e| format!("{method} {url}: reading the body: {e}"))?;
            let json = serde_json::from_str(&body).ok();
            return Ok(Response {
                request,
                status,
                headers,
                body,
                json,
            });
        }
        Err(format!(
            "{method} {url}: still rate-limited (429) after retries"
        ))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_prefix_and_encode_the_query() {
        let c = Client::new("http://127.0.0.1:9/v1/", None, Duration::from_secs(1)).unwrap();
        assert_eq!(
            c.url("/games", &q(&[("mechanics", "a,b"), ("q", "x y")])),
            "http://127.0.0.1:9/v1/games?mechanics=a%2Cb&q=x+y"
        );
        assert_eq!(
            c.resolve_href("/v1/games?cursor=x"),
            "http://127.0.0.1:9/v1/games?cursor=x"
        );
        assert_eq!(c.resolve_href("http://h/games"), "http://h/games");
    }

    #[test]
    fn curl_quotes_and_hides_the_key() {
        let r = Request {
            method: "POST".into(),
            url: "http://h/games/search".into(),
            body: Some("{\"a\":\"it's\"}".into()),
            api_key: true,
        };
        assert_eq!(
            r.curl(),
            "curl -sS -i -X POST 'http://h/games/search' -H \"X-API-Key: $OPENTABLETOP_API_KEY\" \
             -H 'Content-Type: application/json' --data '{\"a\":\"it'\\''s\"}'"
        );
    }
}
