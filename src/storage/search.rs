//! Candidates of a full-text search, found with each backend's index:
//! PostgreSQL's weighted `search_vector` (GIN) and `pg_trgm` trigram indexes
//! (substring and typo matches), SQLite's FTS5 trigram table. The hits are
//! scored by [`crate::domain::search`], the same on both backends.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use uuid::Uuid;

use super::custom;
use crate::domain::search::{normalize, trigrams};

/// Candidates of one kind are capped at this many (best index rank first).
pub const MAX_CANDIDATES: u64 = 500;

/// A game that may match.
#[derive(Debug, Clone)]
pub struct GameCandidate {
    pub id: Uuid,
    pub name: String,
    pub alternate_names: Vec<String>,
    pub description_short: Option<String>,
    pub description: Option<String>,
}

/// A named thing (designer, publisher, mechanic, category) that may match.
#[derive(Debug, Clone)]
pub struct NameCandidate {
    pub id: Uuid,
    pub name: String,
}

/// `%q%` with LIKE's wildcards escaped (`\` is the escape character).
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `column LIKE pattern ESCAPE '\'` (ILIKE on PostgreSQL).
fn like(backend: DbBackend, column: Expr, pattern: String) -> Expr {
    let op = if backend == DbBackend::Postgres {
        "? ILIKE ? ESCAPE '\\'"
    } else {
        "? LIKE ? ESCAPE '\\'"
    };
    custom(backend, op, [column, Expr::val(pattern)])
}

/// The three-character pieces of the query (SQLite's typo-tolerant candidate
/// search: a name sharing any of them is a candidate, the score decides).
fn pieces(q: &str) -> Vec<String> {
    let mut out: Vec<String> = trigrams(&normalize(q))
        .into_iter()
        .filter(|t| !t.contains(&' '))
        .map(|t| t.iter().collect())
        .collect();
    out.dedup();
    out
}

/// Name condition for small tables: substring, or (typos) a shared trigram
/// on PostgreSQL via `%`, a shared three-letter piece on SQLite.
fn name_condition(backend: DbBackend, column: Expr, q: &str) -> Cond {
    let mut c = Cond::any().add(like(backend, column.clone(), like_pattern(q)));
    if backend == DbBackend::Postgres {
        c = c.add(custom(backend, "? % ?", [column, Expr::val(q.to_string())]));
    } else {
        for piece in pieces(q).into_iter().take(24) {
            c = c.add(like(backend, column.clone(), like_pattern(&piece)));
        }
    }
    c
}

/// Active games that may match `q`.
pub async fn games<C: ConnectionTrait>(db: &C, q: &str) -> Result<Vec<GameCandidate>, DbErr> {
    let backend = db.get_database_backend();
    let g = Alias::new("g");
    let col = |c: &str| Expr::col((g.clone(), Alias::new(c)));
    let mut stmt = Query::select();
    stmt.columns([
        (g.clone(), Alias::new("id")),
        (g.clone(), Alias::new("name")),
        (g.clone(), Alias::new("description_short")),
        (g.clone(), Alias::new("description")),
    ])
    .from_as(Alias::new("games"), g.clone())
    .and_where(col("status").eq("active"));
    let a = Alias::new("a");
    let alt_match = |cond: Cond| {
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(Alias::new("alternate_names"), a.clone())
                .and_where(
                    Expr::col((a.clone(), Alias::new("game_id")))
                        .equals((g.clone(), Alias::new("id"))),
                )
                .cond_where(cond)
                .to_owned(),
        )
    };
    match backend {
        DbBackend::Postgres => {
            let text = custom(
                backend,
                "g.search_vector @@ plainto_tsquery('english', ?)",
                [Expr::val(q.to_string())],
            );
            stmt.cond_where(
                Cond::any()
                    .add(text)
                    .add(name_condition(backend, col("name"), q))
                    .add(alt_match(name_condition(
                        backend,
                        Expr::col((a.clone(), Alias::new("name"))),
                        q,
                    ))),
            );
            stmt.order_by_expr(
                custom(
                    backend,
                    "similarity(?, ?)",
                    [col("name"), Expr::val(q.to_string())],
                ),
                Order::Desc,
            );
        }
        _ => {
            // FTS5 trigram: a quoted string matches as a substring; the
            // pieces of the query (OR) give typo tolerance. Fewer than three
            // characters cannot use the trigram index: LIKE on the names.
            let mut fts: Vec<String> = vec![format!("\"{}\"", q.replace('"', "\"\""))];
            fts.extend(
                pieces(q)
                    .into_iter()
                    .map(|p| format!("\"{}\"", p.replace('"', "\"\""))),
            );
            let cond = if q.chars().count() >= 3 {
                let sub = Query::select()
                    .column(Alias::new("game_id"))
                    .from(Alias::new("games_fts"))
                    .and_where(custom(
                        backend,
                        "games_fts MATCH ?",
                        [Expr::val(fts.join(" OR "))],
                    ))
                    .to_owned();
                Cond::any().add(col("id").in_subquery(sub))
            } else {
                Cond::any()
                    .add(like(backend, col("name"), like_pattern(q)))
                    .add(alt_match(Cond::all().add(like(
                        backend,
                        Expr::col((a.clone(), Alias::new("name"))),
                        like_pattern(q),
                    ))))
            };
            stmt.cond_where(cond);
            stmt.order_by((g.clone(), Alias::new("sort_name")), Order::Asc);
        }
    }
    stmt.limit(MAX_CANDIDATES);
    let rows = db.query_all(&stmt).await?;
    let mut out: Vec<GameCandidate> = rows
        .iter()
        .map(|row| {
            Ok(GameCandidate {
                id: row.try_get("", "id")?,
                name: row.try_get("", "name")?,
                alternate_names: Vec::new(),
                description_short: row.try_get("", "description_short")?,
                description: row.try_get("", "description")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    // Their alternate names, in one query.
    let ids: Vec<Uuid> = out.iter().map(|c| c.id).collect();
    if !ids.is_empty() {
        let stmt = Query::select()
            .columns([Alias::new("game_id"), Alias::new("name")])
            .from(Alias::new("alternate_names"))
            .and_where(Expr::col(Alias::new("game_id")).is_in(ids))
            .to_owned();
        let mut names: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        for row in db.query_all(&stmt).await? {
            names
                .entry(row.try_get("", "game_id")?)
                .or_default()
                .push(row.try_get("", "name")?);
        }
        for c in &mut out {
            c.alternate_names = names.remove(&c.id).unwrap_or_default();
        }
    }
    Ok(out)
}

/// Rows of `table` whose name may match `q`; `designers_only` keeps the
/// people credited as a designer.
pub async fn names<C: ConnectionTrait>(
    db: &C,
    table: &str,
    q: &str,
    designers_only: bool,
) -> Result<Vec<NameCandidate>, DbErr> {
    let backend = db.get_database_backend();
    let t = Alias::new("t");
    let mut stmt: SelectStatement = Query::select();
    stmt.columns([
        (t.clone(), Alias::new("id")),
        (t.clone(), Alias::new("name")),
    ])
    .from_as(Alias::new(table), t.clone())
    .cond_where(name_condition(
        backend,
        Expr::col((t.clone(), Alias::new("name"))),
        q,
    ));
    if designers_only {
        stmt.and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(Alias::new("game_designers"))
                .and_where(
                    Expr::col((Alias::new("game_designers"), Alias::new("person_id")))
                        .equals((t.clone(), Alias::new("id"))),
                )
                .to_owned(),
        ));
    }
    stmt.order_by((t, Alias::new("slug")), Order::Asc)
        .limit(MAX_CANDIDATES);
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(NameCandidate {
                id: row.try_get("", "id")?,
                name: row.try_get("", "name")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn pieces_are_the_inner_trigrams() {
        assert_eq!(pieces("Spirit"), ["iri", "pir", "rit", "spi"]);
        assert!(pieces("ab").is_empty());
    }
}
