//! Queries of games and their community data.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Identity of a game found by UUID or slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameRef {
    pub id: Uuid,
    pub slug: String,
    pub status: String,
}

/// A game by UUID or slug, whatever its status.
pub async fn find_ref<C: ConnectionTrait>(
    db: &C,
    id_or_slug: &str,
) -> Result<Option<GameRef>, DbErr> {
    let mut stmt = Query::select();
    stmt.columns([Alias::new("id"), Alias::new("slug"), Alias::new("status")])
        .from(Alias::new("games"));
    match Uuid::parse_str(id_or_slug) {
        Ok(id) => stmt.and_where(Expr::col(Alias::new("id")).eq(id)),
        Err(_) => stmt.and_where(Expr::col(Alias::new("slug")).eq(id_or_slug)),
    };
    db.query_one(&stmt)
        .await?
        .map(|row| {
            Ok(GameRef {
                id: row.try_get("", "id")?,
                slug: row.try_get("", "slug")?,
                status: row.try_get("", "status")?,
            })
        })
        .transpose()
}

/// One row of per-player-count community ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingRow {
    pub player_count: i64,
    pub average_rating: f64,
    pub rating_count: i64,
    pub rating_stddev: Option<f64>,
}

/// The per-count ratings of a game, by player count.
pub async fn player_count_ratings<C: ConnectionTrait>(
    db: &C,
    game: Uuid,
) -> Result<Vec<RatingRow>, DbErr> {
    let stmt = Query::select()
        .columns([
            Alias::new("player_count"),
            Alias::new("average_rating"),
            Alias::new("rating_count"),
            Alias::new("rating_stddev"),
        ])
        .from(Alias::new("player_count_ratings"))
        .and_where(Expr::col(Alias::new("game_id")).eq(game))
        .order_by(Alias::new("player_count"), Order::Asc)
        .to_owned();
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            Ok(RatingRow {
                player_count: i64::from(row.try_get::<i32>("", "player_count")?),
                average_rating: row.try_get("", "average_rating")?,
                rating_count: i64::from(row.try_get::<i32>("", "rating_count")?),
                rating_stddev: row.try_get("", "rating_stddev")?,
            })
        })
        .collect()
}
