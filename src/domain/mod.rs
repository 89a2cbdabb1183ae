//! Domain logic: pure, unit-tested code with no I/O (pagination cursors,
//! filters, effective-property resolution).

pub mod cursor;
pub mod effective;
pub mod filters;
pub mod search;
