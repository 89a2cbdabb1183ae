//! Extractors whose rejections are [`ApiError`]s, so a bad query string or a
//! bad JSON body is a 400 problem naming the offending field, an oversize body
//! a 413 problem, a wrong media type a 415 problem.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::{ApiError, ValidationError};

/// Query-string extractor: `serde_urlencoded` through `serde_path_to_error`, so
/// the error names the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Parses a raw query string into `T`, naming the offending parameter on error.
pub fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    reject_nul(raw)?;
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let field = err.path().to_string();
        let message = err.inner().to_string();
        let field = if field == "." {
            // serde reports a missing or unknown parameter without a path.
            field_from_message(&message).unwrap_or_else(|| "query".to_string())
        } else {
            field
        };
        ApiError::Validation {
            detail: format!("Invalid query parameter '{field}': {message}"),
            errors: vec![ValidationError::new(field, message, "invalid_value")],
        }
    })
}

/// A 400 for a query parameter that carries a NUL character (no database
/// stores one in text; PostgreSQL refuses it).
pub fn reject_nul(raw: &str) -> Result<(), ApiError> {
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        if value.contains('\0') || name.contains('\0') {
            let field = name.replace('\0', "");
            return Err(ApiError::invalid(
                &field,
                "contains a NUL character",
                "invalid_value",
            ));
        }
    }
    Ok(())
}

/// JSON body extractor: requires a JSON media type, maps the body-size limit to
/// 413, and names the offending field with a dot path (`filters.players.min`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_guess_lite::Essence>().ok())
            .is_some_and(|essence| essence.is_json());
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "Expected a request body with Content-Type: application/json.".to_string(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection {
                BytesRejection::FailedToBufferBody(e) if e.body_text().contains("length limit") => {
                    ApiError::PayloadTooLarge
                }
                other => ApiError::invalid("body", other.body_text(), "unreadable_body"),
            })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses a JSON document into `T`, naming the offending field on error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // A NUL character in a JSON string (`\u0000`): no database stores it.
    if bytes.windows(6).any(|w| w == b"\\u0000") {
        return Err(ApiError::invalid(
            "body",
            "a string contains a NUL character",
            "invalid_value",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let malformed = |message: String| {
        ApiError::invalid("body", format!("malformed JSON: {message}"), "invalid_json")
    };
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let inner = err.inner();
        let message = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return malformed(message);
        }
        let path = err.path().to_string();
        let field = if path == "." {
            field_from_message(&message).unwrap_or_else(|| "body".to_string())
        } else {
            path
        };
        let code = if message.starts_with("missing field") {
            "required"
        } else {
            "invalid_type"
        };
        ApiError::Validation {
            detail: format!("Invalid value for '{field}': {message}"),
            errors: vec![ValidationError::new(field, message, code)],
        }
    })?;
    deserializer.end().map_err(|e| malformed(e.to_string()))?;
    Ok(value)
}

/// serde says "missing field `x`" / "unknown field `x`" without a path.
fn field_from_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_string())
}

/// The little media-type parsing the JSON extractor needs.
mod mime_guess_lite {
    use std::str::FromStr;

    /// `type/subtype` of a Content-Type header, lower-cased, without parameters.
    pub struct Essence(String);

    impl FromStr for Essence {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let essence = s.split(';').next().ok_or(())?.trim().to_ascii_lowercase();
            if essence.contains('/') {
                Ok(Essence(essence))
            } else {
                Err(())
            }
        }
    }

    impl Essence {
        pub fn is_json(&self) -> bool {
            self.0 == "application/json" || self.0.ends_with("+json")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Players {
        min: Option<u32>,
        max: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Filters {
        players: Option<Players>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        filters: Option<Filters>,
        limit: u32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Params {
        players: Option<u32>,
        limit: Option<u32>,
    }

    fn fields(err: ApiError) -> Vec<(String, Option<String>)> {
        match err {
            ApiError::Validation { errors, .. } => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn json_type_errors_name_the_dot_path() {
        let err =
            parse_json::<Body>(br#"{"filters":{"players":{"min":"two"}},"limit":5}"#).unwrap_err();
        assert_eq!(
            fields(err),
            vec![("filters.players.min".into(), Some("invalid_type".into()))]
        );
    }

    #[test]
    fn json_missing_field_and_syntax_errors() {
        let err = parse_json::<Body>(br#"{"filters":{}}"#).unwrap_err();
        assert_eq!(fields(err), vec![("limit".into(), Some("required".into()))]);
        let err = parse_json::<Body>(br#"{"limit": 5"#).unwrap_err();
        assert_eq!(
            fields(err),
            vec![("body".into(), Some("invalid_json".into()))]
        );
        let err = parse_json::<Body>(br#"{"limit": 5} trailing"#).unwrap_err();
        assert_eq!(
            fields(err),
            vec![("body".into(), Some("invalid_json".into()))]
        );
    }

    #[test]
    fn json_unknown_fields_are_ignored() {
        let body = parse_json::<Body>(br#"{"limit": 5, "future_field": true}"#).unwrap();
        assert_eq!(body.limit, 5);
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let err = parse_query::<Params>("players=abc&limit=3").unwrap_err();
        assert_eq!(
            fields(err),
            vec![("players".into(), Some("invalid_value".into()))]
        );
        let ok = parse_query::<Params>("players=4").unwrap();
        assert_eq!(ok.players, Some(4));
    }

    #[test]
    fn content_type_essence() {
        for (ct, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/merge-patch+json", true),
            ("text/plain", false),
            ("json", false),
        ] {
            let essence = ct.parse::<mime_guess_lite::Essence>();
            assert_eq!(essence.map(|e| e.is_json()).unwrap_or(false), json, "{ct}");
        }
    }
}
