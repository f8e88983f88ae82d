//! A database of a benchmark's own on the PostgreSQL server at
//! `SLOTLINE_TEST_POSTGRES_URL` (by default
//! `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable`, reached
//! as a server on the same machine is reached, without TLS), dropped
//! afterwards. When that server does not answer, PostgreSQL is skipped
//! with a note, or the run fails with `SLOTLINE_REQUIRE_POSTGRES=1`.
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// A database of this run's own on the PostgreSQL server, dropped by
/// [`ScratchPostgres::drop_database`].
pub struct ScratchPostgres {
    admin: DatabaseConnection,
    name: String,
    pub url: String,
}

impl ScratchPostgres {
    /// `None` when no PostgreSQL answers and none is required; `bench`
    /// names the benchmark in the note saying so.
    pub async fn create(bench: &str) -> anyhow::Result<Option<Self>> {
        let admin_url = std::env::var("SLOTLINE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".into());
        let mut url = url::Url::parse(&admin_url)?;
        let admin = match sea_orm::Database::connect(&admin_url).await {
            Ok(admin) => admin,
            Err(error) => {
                // Host and port only: the URL may carry a password.
                let server = format!("{}:{}", url.host_str().unwrap_or_default(), url.port().unwrap_or(5432));
                let required = std::env::var("SLOTLINE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
                anyhow::ensure!(
                    !required,
                    "PostgreSQL is required (SLOTLINE_REQUIRE_POSTGRES=1) but {server} does not answer: {error}"
                );
                println!("{bench}: PostgreSQL SKIPPED: nothing answers at {server} ({error})");
                return Ok(None);
            }
        };
        let name = format!("slotline_bench_{}", app::ssr::ids::new_id()).to_lowercase();
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
        url.set_path(&format!("/{name}"));
        Ok(Some(Self {
            admin,
            name,
            url: url.to_string(),
        }))
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        // FORCE: the stopped server's pool may still hold connections.
        self.admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
            .await?;
        Ok(())
    }
}
