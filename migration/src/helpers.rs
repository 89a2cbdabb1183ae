//! Small column, index and foreign-key builders shared by the migrations.

use sea_orm_migration::{prelude::*, schema::*};

/// NOT NULL `timestamptz` with a `CURRENT_TIMESTAMP` default.
pub(crate) fn timestamp_now<T: IntoIden>(col: T) -> ColumnDef {
    timestamp_with_time_zone_default_now(col)
}

/// NOT NULL JSON array column, default `[]`.
pub(crate) fn json_list<T: IntoIden>(col: T) -> ColumnDef {
    json_binary(col).default("[]").take()
}

/// NOT NULL integer, default 0 (additive deltas, vote counts).
pub(crate) fn integer_zero<T: IntoIden>(col: T) -> ColumnDef {
    integer(col).default(0).take()
}

/// NOT NULL double, default 0.0.
pub(crate) fn double_zero<T: IntoIden>(col: T) -> ColumnDef {
    double(col).default(0.0).take()
}

/// Text enum value (`varchar(32)`), NOT NULL.
pub(crate) fn enum_text<T: IntoIden>(col: T) -> ColumnDef {
    string_len(col, 32)
}

/// Text enum value (`varchar(32)`), nullable.
pub(crate) fn enum_text_null<T: IntoIden>(col: T) -> ColumnDef {
    string_len_null(col, 32)
}

/// Named foreign key `from_table.from_col -> to_table.to_col`.
pub(crate) fn fk<F, FC, T, TC>(
    name: &str,
    from_table: F,
    from_col: FC,
    to_table: T,
    to_col: TC,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    F: IntoIden,
    FC: IntoIden,
    T: IntoIden,
    TC: IntoIden,
{
    ForeignKey::create()
        .name(name)
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

fn index_statement<T: IntoIden>(
    name: &str,
    table: T,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    if unique {
        index.unique();
    }
    for col in cols {
        index.col(col);
    }
    index.take()
}

/// `CREATE INDEX name ON table (cols…)`.
pub(crate) async fn index<T: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    manager
        .create_index(index_statement(name, table, cols, false))
        .await
}

/// `CREATE UNIQUE INDEX name ON table (cols…)`.
pub(crate) async fn unique_index<T: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    manager
        .create_index(index_statement(name, table, cols, true))
        .await
}

/// Drops the tables in the given order (callers list them in reverse dependency
/// order); dropping a table drops its indexes and foreign keys with it.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: Vec<DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).if_exists().take())
            .await?;
    }
    Ok(())
}

/// Shorthand for a list of column identifiers of mixed types.
macro_rules! cols {
    ($($col:expr),+ $(,)?) => {
        vec![$($crate::IntoIden::into_iden($col)),+]
    };
}
