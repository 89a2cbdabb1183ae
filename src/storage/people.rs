//! Queries of designers (people credited as designers of a game) and publishers.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use uuid::Uuid;

use super::taxonomy::{count_rows, keyset};

/// A designer or a publisher, as the API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub game_count: i64,
    pub country: Option<String>,
    pub website: Option<String>,
}

/// Designers or publishers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Designer,
    Publisher,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Designer => "people",
            Kind::Publisher => "publishers",
        }
    }

    /// Base query: the rows of this kind (people only when credited as a designer).
    fn select(self) -> SelectStatement {
        let table = Alias::new(self.table());
        let mut stmt = Query::select();
        stmt.from(table.clone()).columns([
            (table.clone(), Alias::new("id")),
            (table.clone(), Alias::new("slug")),
            (table.clone(), Alias::new("name")),
            (table.clone(), Alias::new("description")),
            (table.clone(), Alias::new("game_count")),
        ]);
        match self {
            Kind::Publisher => {
                stmt.columns([
                    (table.clone(), Alias::new("country")),
                    (table, Alias::new("website")),
                ]);
            }
            Kind::Designer => {
                stmt.and_where(Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(Alias::new("game_designers"))
                        .and_where(
                            Expr::col((Alias::new("game_designers"), Alias::new("person_id")))
                                .equals((Alias::new("people"), Alias::new("id"))),
                        )
                        .to_owned(),
                ));
            }
        }
        stmt
    }

    fn row(self, row: &QueryResult) -> Result<OrgRow, DbErr> {
        let (country, website) = match self {
            Kind::Publisher => (row.try_get("", "country")?, row.try_get("", "website")?),
            Kind::Designer => (None, None),
        };
        Ok(OrgRow {
            id: row.try_get("", "id")?,
            slug: row.try_get("", "slug")?,
            name: row.try_get("", "name")?,
            description: row.try_get("", "description")?,
            game_count: i64::from(row.try_get::<i32>("", "game_count")?),
            country,
            website,
        })
    }
}

pub async fn count<C: ConnectionTrait>(db: &C, kind: Kind) -> Result<u64, DbErr> {
    count_rows(db, kind.select()).await
}

pub async fn page<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    from: Option<&str>,
    backward: bool,
    limit: u64,
) -> Result<Vec<OrgRow>, DbErr> {
    let mut stmt = kind.select();
    keyset(&mut stmt, (kind.table(), "slug"), from, backward, limit);
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|r| kind.row(r))
        .collect()
}

/// One designer or publisher by UUID or slug.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    id_or_slug: &str,
) -> Result<Option<OrgRow>, DbErr> {
    let mut stmt = kind.select();
    let table = Alias::new(kind.table());
    match Uuid::parse_str(id_or_slug) {
        Ok(id) => stmt.and_where(Expr::col((table, Alias::new("id"))).eq(id)),
        Err(_) => stmt.and_where(Expr::col((table, Alias::new("slug"))).eq(id_or_slug)),
    };
    db.query_one(&stmt).await?.map(|r| kind.row(&r)).transpose()
}

/// Designers or publishers by id (any order).
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    ids: &[Uuid],
) -> Result<Vec<OrgRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = kind.select();
    stmt.and_where(
        Expr::col((Alias::new(kind.table()), Alias::new("id"))).is_in(ids.iter().copied()),
    );
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|r| kind.row(r))
        .collect()
}
