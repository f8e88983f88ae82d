//! How the database is used under concurrency, on both backends.
use crate::helpers::TestApp;
use crate::on_both_databases;
use sea_orm::{ConnectionTrait, Statement};
use std::time::Duration;

on_both_databases!(a_transaction_that_reads_then_writes_waits_for_a_concurrent_write);

async fn counter(db: &impl ConnectionTrait) -> i64 {
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT n FROM scratch_counter WHERE id = 1",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get("", "n")
    .unwrap()
}

/// A write that lands between a transaction's read and its own write (a job
/// worker's update during a booking, say) makes it wait, never fail: every
/// service reads before it writes.
async fn a_transaction_that_reads_then_writes_waits_for_a_concurrent_write(app: TestApp) {
    let db = app.state.db.clone();
    db.execute_unprepared("CREATE TABLE scratch_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
        .await
        .unwrap();
    db.execute_unprepared("INSERT INTO scratch_counter (id, n) VALUES (1, 0)")
        .await
        .unwrap();

    let txn = app::ssr::db::write_transaction(&db).await.unwrap();
    assert_eq!(counter(&txn).await, 0);
    let other = {
        let db = db.clone();
        tokio::spawn(async move {
            db.execute_unprepared("UPDATE scratch_counter SET n = n + 1 WHERE id = 1")
                .await
        })
    };
    // Let the other write reach the database and wait for its lock.
    tokio::time::sleep(Duration::from_millis(300)).await;
    txn.execute_unprepared("UPDATE scratch_counter SET n = n + 10 WHERE id = 1")
        .await
        .expect("the transaction's write waits its turn instead of failing");
    txn.commit().await.unwrap();
    other.await.unwrap().expect("the other write waits its turn too");
    assert_eq!(counter(&db).await, 11);
}
