//! sea-orm entities of the catalog schema (see the `migration` crate).

pub mod game;
