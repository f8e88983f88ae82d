//! `server jobs …`: what an operator does with dead jobs, from the shell,
//! against the database the server's environment names.
use crate::jobs::{dead_jobs, retry_dead};
use anyhow::bail;
use sea_orm::DatabaseConnection;

pub const USAGE: &str = "usage: server jobs [dead | retry ID | retry --all]";

/// Runs `server jobs` with the arguments after `jobs`; prints its answer.
pub async fn jobs(db: &DatabaseConnection, args: &[String]) -> anyhow::Result<()> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["dead"] => {
            let dead = dead_jobs(db).await?;
            if dead.is_empty() {
                println!("No dead jobs.");
            }
            for job in dead {
                println!(
                    "{id}  {kind}  died {at}  after {attempts} attempts\n    {error}",
                    id = job.id,
                    kind = job.kind,
                    at = job.died_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    attempts = job.attempts,
                    error = job.last_error.as_deref().unwrap_or("(no error recorded)"),
                );
            }
            Ok(())
        }
        ["retry", "--all"] => {
            println!("Queued {} dead jobs again.", retry_dead(db, None).await?);
            Ok(())
        }
        ["retry", id] => match retry_dead(db, Some(id)).await? {
            0 => bail!("no dead job has the id {id}"),
            _ => {
                println!("Queued job {id} again.");
                Ok(())
            }
        },
        _ => bail!(USAGE),
    }
}
