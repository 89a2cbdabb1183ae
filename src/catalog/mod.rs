//! Catalog data: the file layout of docs/import-format.md, read, validated
//! against the contract's ranges and enums, and resolved into rows with ids.
//! Pure code: the sources come in as text, the database's existing slugs as a
//! [`Known`] map; [`crate::storage::import`] writes the result.

pub mod demo;
pub mod derive;
pub mod files;
pub mod generate;
pub mod ids;
pub mod load;
pub mod yaml;

pub use load::{Catalog, Known, Problem, Source, build, read_dirs};
