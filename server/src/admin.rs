//! What an operator does from the shell, against the database the server's
//! environment names: `server jobs …` lists, retries and dismisses dead
//! jobs, `server admin set-plan TEAM PLAN` sets a team's plan and `server
//! admin reseal` seals every secret anew after a key rotation.
use crate::jobs::{dead_jobs, dismiss_dead, retry_dead};
use anyhow::bail;
use app::error::AppError;
use app::ssr::crypto::SecretBox;
use app::ssr::services::resealing::reseal_all;
use app::ssr::services::team::{parse_plan, set_plan_as_operator};
use sea_orm::DatabaseConnection;

pub const USAGE: &str = "usage: server --version   (the version and the free-mail domain list's source)\n       server jobs [dead | retry ID | retry --all | dismiss ID | dismiss --all]\n       server admin reseal   (after rotating SLOTLINE_SECRET_KEY, with the old key in SLOTLINE_SECRET_KEYS_OLD)\n       server admin set-plan TEAM PLAN   (TEAM: a team id, a member's e-mail or host slug; PLAN: free, pro or organization)";

/// Runs `server admin` with the arguments after `admin`; prints its answer.
/// `secrets` holds the current key and the old ones, for `reseal`.
pub async fn admin(db: &DatabaseConnection, secrets: &SecretBox, args: &[String]) -> anyhow::Result<()> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["reseal"] => {
            let resealed = reseal_all(db, secrets).await?;
            println!(
                "Sealed anew under the current key: {} integration connections, {} webhooks, {} queued jobs, {} \
                 payments.",
                resealed.connections, resealed.webhooks, resealed.jobs, resealed.payments
            );
            Ok(())
        }
        ["set-plan", team, plan] => {
            let Some(plan) = parse_plan(plan) else {
                bail!("unknown plan {plan:?}: choose free, pro or organization");
            };
            let team = set_plan_as_operator(db, team, plan)
                .await
                .map_err(|error| match error {
                    AppError::NotFound => {
                        anyhow::anyhow!("no team has the id, or a member the e-mail or slug, {team:?}")
                    }
                    other => anyhow::anyhow!("{other}"),
                })?;
            println!(
                "Team {} ({}) is now on the {} plan.",
                team.name,
                team.id,
                team.plan.label()
            );
            Ok(())
        }
        _ => bail!(USAGE),
    }
}

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
        ["dismiss", "--all"] => {
            println!("Dismissed {} dead jobs.", dismiss_dead(db, None).await?);
            Ok(())
        }
        ["dismiss", id] => match dismiss_dead(db, Some(id)).await? {
            0 => bail!("no dead job has the id {id}"),
            _ => {
                println!("Dismissed job {id}.");
                Ok(())
            }
        },
        _ => bail!(USAGE),
    }
}
