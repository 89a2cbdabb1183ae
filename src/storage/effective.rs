//! Materialization of effective-mode candidates (`effective_candidates`):
//! every base game's candidate expansion sets (D28) resolved once with the
//! three tiers ([`crate::domain::effective::candidates`]), so that an
//! `effective=true` filter is one indexed semi-join instead of a resolution
//! per request.

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use super::expansions;
use crate::domain::effective::{self, BaseValues, Candidate};

/// Rows per INSERT statement.
const CHUNK: usize = 500;

const COLUMNS: [&str; 12] = [
    "game_id",
    "ordinal",
    "tier",
    "expansion_ids",
    "min_players",
    "max_players",
    "min_playtime",
    "max_playtime",
    "weight",
    "min_age",
    "best_at",
    "recommended_at",
];

/// `,2,3,4,`: a player-count list as the table stores it.
pub fn count_list(counts: &[i64]) -> String {
    let mut s = String::from(",");
    for c in counts {
        s.push_str(&c.to_string());
        s.push(',');
    }
    s
}

/// Parses [`count_list`] text back.
pub fn parse_count_list(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.parse().ok()).collect()
}

/// Base games that have expansion data (deltas or curated combinations).
async fn bases_with_data<C: ConnectionTrait>(db: &C) -> Result<Vec<Uuid>, DbErr> {
    let mut out = BTreeSet::new();
    for table in ["property_modifications", "expansion_combinations"] {
        let stmt = Query::select()
            .distinct()
            .column(Alias::new("base_game_id"))
            .from(Alias::new(table))
            .to_owned();
        for row in db.query_all(&stmt).await? {
            out.insert(row.try_get::<Uuid>("", "base_game_id")?);
        }
    }
    Ok(out.into_iter().collect())
}

/// The candidates of every base game with expansion data, by base game.
pub async fn compute<C: ConnectionTrait>(db: &C) -> Result<Vec<(Uuid, Vec<Candidate>)>, DbErr> {
    let bases = bases_with_data(db).await?;
    if bases.is_empty() {
        return Ok(Vec::new());
    }
    let references: Vec<String> = bases.iter().map(Uuid::to_string).collect();
    let values: HashMap<Uuid, BaseValues> = expansions::find_games(db, &references)
        .await?
        .into_iter()
        .map(|g| (g.id, g.values))
        .collect();
    let models = expansions::expansion_models_for(db, &bases).await?;
    let mut slugs: HashMap<Uuid, String> = HashMap::new();
    for n in expansions::expansion_names_for(db, &bases).await? {
        slugs.insert(n.id, n.slug);
    }
    let mut out = Vec::new();
    for base in bases {
        let (Some(values), Some(model)) = (values.get(&base), models.get(&base)) else {
            continue;
        };
        let candidates = effective::candidates(
            values,
            None,
            &model.deltas(),
            &model.domain_combinations(),
            &slugs,
        );
        if !candidates.is_empty() {
            out.push((base, candidates));
        }
    }
    Ok(out)
}

/// Rebuilds `effective_candidates` from the expansion data (inside the
/// caller's transaction when it has one). Returns the rows written.
pub async fn materialize<C: ConnectionTrait>(db: &C) -> Result<usize, DbErr> {
    let computed = compute(db).await?;
    db.execute(
        &Query::delete()
            .from_table(Alias::new("effective_candidates"))
            .to_owned(),
    )
    .await?;
    let mut rows: Vec<Vec<sea_orm::sea_query::SimpleExpr>> = Vec::new();
    for (base, candidates) in &computed {
        for (ordinal, c) in candidates.iter().enumerate() {
            let e = &c.resolution.effective;
            let ids: Vec<String> = c.expansions.iter().map(Uuid::to_string).collect();
            rows.push(vec![
                Expr::val(*base),
                Expr::val(ordinal as i32),
                Expr::val(i32::from(c.tier())),
                Expr::val(serde_json::json!(ids)),
                Expr::val(e.min_players.map(|v| v as i32)),
                Expr::val(e.max_players.map(|v| v as i32)),
                Expr::val(e.min_playtime.map(|v| v as i32)),
                Expr::val(e.max_playtime.map(|v| v as i32)),
                Expr::val(e.weight),
                Expr::val(e.min_age.map(|v| v as i32)),
                Expr::val(count_list(&e.best_at)),
                Expr::val(count_list(&e.recommended_at)),
            ]);
        }
    }
    let written = rows.len();
    for chunk in rows.chunks(CHUNK) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("effective_candidates"))
            .columns(COLUMNS.map(Alias::new));
        for row in chunk {
            insert
                .values(row.iter().cloned())
                .map_err(|e| DbErr::Custom(format!("effective candidates: {e}")))?;
        }
        db.execute(&insert).await?;
    }
    Ok(written)
}

/// Whether materialized candidates are missing although expansion data
/// exists (a database migrated to this schema but not re-imported).
pub async fn is_stale<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    let any = |table: &'static str| async move {
        let stmt = Query::select()
            .expr(Expr::val(1))
            .from(Alias::new(table))
            .limit(1)
            .to_owned();
        Ok::<bool, DbErr>(db.query_one(&stmt).await?.is_some())
    };
    let has_data = any("property_modifications").await? || any("expansion_combinations").await?;
    Ok(has_data && !any("effective_candidates").await?)
}

/// One materialized candidate, as effective-mode filtering reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCandidate {
    pub game_id: Uuid,
    pub ordinal: i64,
    pub tier: u8,
    pub expansion_ids: Vec<Uuid>,
    pub values: BaseValues,
}

/// The candidates of `games`, in candidate order.
pub async fn candidates_of<C: ConnectionTrait>(
    db: &C,
    games: &[Uuid],
) -> Result<Vec<StoredCandidate>, DbErr> {
    if games.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("effective_candidates"))
        .and_where(Expr::col(Alias::new("game_id")).is_in(games.iter().copied()))
        .order_by(Alias::new("game_id"), sea_orm::sea_query::Order::Asc)
        .order_by(Alias::new("ordinal"), sea_orm::sea_query::Order::Asc)
        .to_owned();
    let opt = |row: &sea_orm::QueryResult, c: &str| -> Result<Option<i64>, DbErr> {
        Ok(row.try_get::<Option<i32>>("", c)?.map(i64::from))
    };
    db.query_all(&stmt)
        .await?
        .iter()
        .map(|row| {
            let ids: serde_json::Value = row.try_get("", "expansion_ids")?;
            let best: String = row.try_get("", "best_at")?;
            let recommended: String = row.try_get("", "recommended_at")?;
            Ok(StoredCandidate {
                game_id: row.try_get("", "game_id")?,
                ordinal: i64::from(row.try_get::<i32>("", "ordinal")?),
                tier: u8::try_from(row.try_get::<i32>("", "tier")?).unwrap_or(2),
                expansion_ids: ids
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                    .collect(),
                values: BaseValues {
                    min_players: opt(row, "min_players")?,
                    max_players: opt(row, "max_players")?,
                    min_playtime: opt(row, "min_playtime")?,
                    max_playtime: opt(row, "max_playtime")?,
                    weight: row.try_get("", "weight")?,
                    min_age: opt(row, "min_age")?,
                    best_at: parse_count_list(&best),
                    recommended_at: parse_count_list(&recommended),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_lists_round_trip_and_match_with_like() {
        assert_eq!(count_list(&[]), ",");
        assert_eq!(count_list(&[2, 3, 12]), ",2,3,12,");
        assert_eq!(parse_count_list(",2,3,12,"), [2, 3, 12]);
        // `%,2,%` must not match 12.
        assert!(!count_list(&[12]).contains(",2,"));
    }
}
