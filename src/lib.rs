//! opentabletop-server: a server for the OpenTabletop board-game data API.
//!
//! - [`http`]: routing, extractors, DTOs, RFC 9457 errors, OpenAPI document;
//! - [`catalog`]: catalog data files, validated and resolved (pure);
//! - [`domain`]: pagination cursors and the other pure rules of the API;
//! - [`storage`]: database connections (primary, replicas), migrations, entities, import;
//! - [`config`], [`telemetry`], [`lifecycle`], [`server`], [`cli`]: the process.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod domain;
pub mod http;
pub mod lifecycle;
pub mod server;
pub mod storage;
pub mod telemetry;
