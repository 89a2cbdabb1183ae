//! Queries of the vocabularies (mechanics, categories, themes).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// One term, as the list endpoints show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub game_count: i64,
}

/// Number of terms in `table`.
pub async fn count<C: ConnectionTrait>(db: &C, table: &str) -> Result<u64, DbErr> {
    count_rows(
        db,
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(table))
            .to_owned(),
    )
    .await
}

/// Number of rows `stmt` selects.
pub async fn count_rows<C: ConnectionTrait>(db: &C, stmt: SelectStatement) -> Result<u64, DbErr> {
    let stmt = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(stmt, Alias::new("counted"))
        .to_owned();
    let n: i64 = match db.query_one(&stmt).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Up to `limit + 1` terms after (or, `backward`, before) the slug `from`,
/// in the direction of travel. Keyset on the unique slug: the unique index
/// on `slug` serves both directions.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    table: &str,
    from: Option<&str>,
    backward: bool,
    limit: u64,
) -> Result<Vec<TermRow>, DbErr> {
    let mut stmt = Query::select();
    stmt.columns([
        Alias::new("id"),
        Alias::new("slug"),
        Alias::new("name"),
        Alias::new("description"),
        Alias::new("game_count"),
    ])
    .from(Alias::new(table));
    keyset(&mut stmt, (table, "slug"), from, backward, limit);
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(TermRow {
                id: row.try_get("", "id")?,
                slug: row.try_get("", "slug")?,
                name: row.try_get("", "name")?,
                description: row.try_get("", "description")?,
                game_count: i64::from(row.try_get::<i32>("", "game_count")?),
            })
        })
        .collect()
}

/// Restricts `stmt` to the `limit + 1` rows after (or, `backward`, before)
/// `from` on the unique column `key`, ordered in the direction of travel.
pub fn keyset(
    stmt: &mut SelectStatement,
    key: (&str, &str),
    from: Option<&str>,
    backward: bool,
    limit: u64,
) {
    let column = (Alias::new(key.0), Alias::new(key.1));
    stmt.order_by(
        column.clone(),
        if backward { Order::Desc } else { Order::Asc },
    )
    .limit(limit + 1);
    if let Some(from) = from {
        let col = Expr::col(column);
        stmt.and_where(if backward { col.lt(from) } else { col.gt(from) });
    }
}

/// Terms of `table` by id (any order).
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    table: &str,
    ids: &[Uuid],
) -> Result<Vec<TermRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .columns([
            Alias::new("id"),
            Alias::new("slug"),
            Alias::new("name"),
            Alias::new("description"),
            Alias::new("game_count"),
        ])
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .to_owned();
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(TermRow {
                id: row.try_get("", "id")?,
                slug: row.try_get("", "slug")?,
                name: row.try_get("", "name")?,
                description: row.try_get("", "description")?,
                game_count: i64::from(row.try_get::<i32>("", "game_count")?),
            })
        })
        .collect()
}
