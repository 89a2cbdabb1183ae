//! The conformance classes, one module each.

pub mod core;
pub mod effective;
pub mod errors;
pub mod export;
pub mod filtering;
pub mod fuzz;
pub mod pagination;
pub mod sample;
pub mod search;
