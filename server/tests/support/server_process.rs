//! The real server binary, started on a free port against a given database
//! and mail sink, and killed when dropped.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the binary with `workers` job workers per pool and the extra
    /// environment `env`; returns once `/healthz` answers.
    pub async fn start(
        database_url: &str,
        data_dir: &std::path::Path,
        smtp_url: &str,
        workers: u32,
        env: &[(&str, String)],
    ) -> Self {
        Self::start_logging(database_url, data_dir, smtp_url, workers, env, None).await
    }

    /// [`Self::start`], writing everything the process prints (at the
    /// operator's default level, `info`) to `log` when given.
    pub async fn start_logging(
        database_url: &str,
        data_dir: &std::path::Path,
        smtp_url: &str,
        workers: u32,
        env: &[(&str, String)],
        log: Option<&std::path::Path>,
    ) -> Self {
        let (stdout, stderr, level) = match log {
            Some(path) => {
                let file = std::fs::File::create(path).expect("creating the log file");
                let copy = file.try_clone().expect("sharing the log file");
                (Stdio::from(file), Stdio::from(copy), "info")
            }
            None => (Stdio::null(), Stdio::inherit(), "warn"),
        };
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("SLOTLINE_DATABASE_URL", database_url)
            .env("SLOTLINE_DATA_DIR", data_dir)
            .env("SLOTLINE_SECRET_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .env("SLOTLINE_SMTP_URL", smtp_url)
            .env("SLOTLINE_JOB_WORKERS", workers.to_string())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", level)
            .envs(env.iter().map(|(name, value)| (*name, value.as_str())))
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("starting the server binary");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if reqwest::get(format!("{}/healthz", server.base))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy");
    }

    /// Books the seeded demo host's first free `intro` slot through the
    /// booking form as `email`, as an invitee's browser would; `db` is the
    /// process's database, read for the slot. Returns the manage link's token.
    pub async fn book_demo(&self, db: &sea_orm::DatabaseConnection, email: &str) -> String {
        use app::ssr::services::booking_page::{PageQuery, load};
        let page = load(db, "demo", "intro", PageQuery::default()).await.unwrap();
        let day = page.days.iter().find(|d| d.has_slots).unwrap().date.clone();
        let query = PageQuery {
            month: Some(page.month.clone()),
            date: Some(day),
            ..PageQuery::default()
        };
        let slot = load(db, "demo", "intro", query).await.unwrap().slots[0].start.clone();
        let fields = [
            ("form[host]", "demo"),
            ("form[event]", "intro"),
            ("form[start]", slot.as_str()),
            ("form[time_zone]", "UTC"),
            ("form[name]", "Grace Hopper"),
            ("form[email]", email),
            ("form[phone]", ""),
            ("form[notes]", ""),
        ];
        let booked =
            crate::helpers::call_at::<app::functions::bookings::Book>(&self.base, &crate::helpers::browser(), &fields)
                .await;
        crate::helpers::manage_parts(&booked.redirect()).1
    }

    /// The most memory the process has held so far (its peak resident
    /// set, `VmHWM`), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("reading the process status");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("VmHWM in the process status");
        kib * 1024
    }

    /// Ends the process at once, as a crash or `kill -9` would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
