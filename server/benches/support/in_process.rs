//! The real server for a benchmark, in its process: built from a config,
//! answering on a free port while the benchmark works, then stopped.
use sea_orm::DatabaseConnection;
use server::config::Config;
use server::startup::Application;

/// A fresh directory under the system's temporary one, for a server's data.
pub fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("slotline-bench-{}", app::ssr::ids::new_id()))
}

/// Runs `work` with the server `config` builds (its base URL and
/// database), then stops the server and removes its data directory.
pub async fn with_server<T, F, Fut>(config: Config, work: F) -> anyhow::Result<T>
where
    F: FnOnce(String, DatabaseConnection) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let dir = config.data_dir.clone();
    let app = Application::build(config).await?;
    let base = format!("http://{}", app.address());
    let db = app.state().db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let worked = work(base, db).await;
    let _ = stop.send(());
    let served = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    served??;
    worked
}
