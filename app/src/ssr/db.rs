//! How Slotline starts database transactions.
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Starts a transaction that may write.
///
/// On SQLite it takes the write lock at `BEGIN IMMEDIATE`, waiting out the
/// busy timeout behind other writers. A deferred transaction that reads
/// before it writes would instead fail at its first write with "database is
/// locked" whenever another connection wrote in between: SQLite refuses that
/// upgrade at once, whatever the busy timeout, to avoid a deadlock.
/// PostgreSQL ignores the mode.
pub async fn write_transaction(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
