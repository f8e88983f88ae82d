//! Static files and how browsers may keep them: cargo-leptos's hashed
//! `/pkg` files are kept for a year without revalidation and sent
//! precompressed (brotli or gzip, by `Accept-Encoding`); pages are
//! revalidated on every visit.
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// A name that changes with the content may be kept for good.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed files (a development build) and pages: ask every time.
const REVALIDATE: &str = "no-cache";

/// cargo-leptos writes the file hashes next to the server binary when
/// `hash-files` is on; Leptos reads the same file to name the files in
/// each page.
pub fn hashed_build() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}

/// `/pkg/*` and `/favicon.svg` from the site root: a hashed build's `/pkg`
/// from memory, read once here, a development build's from disk on every
/// request (cargo-leptos rewrites them under the running server).
pub fn routes<S: Clone + Send + Sync + 'static>(
    site_root: &Path,
    pkg_dir: &str,
    hashed: bool,
) -> std::io::Result<Router<S>> {
    let pkg = if hashed {
        let files = PkgFiles::read(&site_root.join(pkg_dir))?;
        Router::new()
            .route("/{*file}", axum::routing::get(serve_from_memory))
            .with_state(Arc::new(files))
    } else {
        // `.br`/`.gz` siblings exist when the site was built with
        // `--precompress`; otherwise the file itself is sent.
        let files = ServeDir::new(site_root.join(pkg_dir))
            .precompressed_br()
            .precompressed_gzip();
        Router::new().fallback_service(
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    CACHE_CONTROL,
                    HeaderValue::from_static(REVALIDATE),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    VARY,
                    HeaderValue::from_static("accept-encoding"),
                ))
                .service(files),
        )
    };
    Ok(Router::new().nest(&format!("/{pkg_dir}"), pkg).route_service(
        "/favicon.svg",
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ))
            .service(ServeFile::new(PathBuf::from(site_root).join("favicon.svg"))),
    ))
}

/// A hashed build's `/pkg` files by name. Their names change with their
/// content, so they cannot change under a running server; kept in memory,
/// each request is a map lookup. tower-http's `ServeDir` opens, stats and
/// reads the file (and looks for its `.br`) on every request, each call a
/// hop to tokio's blocking pool, which made a 4 KB stylesheet slower than
/// a database query. (`memory-serve` keeps files in memory too, but embeds
/// them at compile time, before cargo-leptos has built the wasm.)
struct PkgFiles(HashMap<String, PkgFile>);

struct PkgFile {
    content_type: HeaderValue,
    plain: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl PkgFiles {
    fn read(dir: &Path) -> std::io::Result<Self> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !path.is_file() || name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let sibling = |suffix: &str| std::fs::read(dir.join(format!("{name}{suffix}"))).ok().map(Bytes::from);
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            files.insert(
                name.to_owned(),
                PkgFile {
                    content_type: HeaderValue::from_str(mime.as_ref())
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    plain: Bytes::from(std::fs::read(&path)?),
                    brotli: sibling(".br"),
                    gzip: sibling(".gz"),
                },
            );
        }
        Ok(Self(files))
    }
}

async fn serve_from_memory(
    State(files): State<Arc<PkgFiles>>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = files.0.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let accepts = |coding: &str| accepts_encoding(&headers, coding);
    let (encoding, body) = match (&file.brotli, &file.gzip) {
        (Some(brotli), _) if accepts("br") => (Some("br"), brotli.clone()),
        (_, Some(gzip)) if accepts("gzip") => (Some("gzip"), gzip.clone()),
        _ => (None, file.plain.clone()),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, file.content_type.clone());
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// Whether `Accept-Encoding` lists `coding` without refusing it (`q=0`).
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case(coding));
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

/// Pages carry per-response nonces and signed-in state: a browser may keep
/// one only to revalidate it.
pub async fn revalidate_pages(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::routes;
    use axum::body::Body;
    use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    /// A site root of its own under the system's temporary directory.
    fn site() -> std::path::PathBuf {
        let site = std::env::temp_dir().join(format!("slotline-assets-{}", app::ssr::ids::new_id()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("slotline.Ab3.js"), "plain").unwrap();
        std::fs::write(pkg.join("slotline.Ab3.js.br"), "brotli").unwrap();
        std::fs::write(pkg.join("slotline.Ab3.js.gz"), "gzip").unwrap();
        std::fs::write(site.join("favicon.svg"), "<svg/>").unwrap();
        site
    }

    async fn get(hashed: bool, path: &str, encodings: &str) -> axum::response::Response {
        let site = site();
        let request = Request::get(path)
            .header(ACCEPT_ENCODING, encodings)
            .body(Body::empty())
            .unwrap();
        let response = routes::<()>(&site, "pkg", hashed)
            .unwrap()
            .oneshot(request)
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1024).await.unwrap();
        std::fs::remove_dir_all(&site).unwrap();
        axum::response::Response::from_parts(parts, Body::from(bytes))
    }

    async fn body(response: axum::response::Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn hashed_files_are_kept_for_a_year_and_sent_compressed_as_asked() {
        let response = get(true, "/pkg/slotline.Ab3.js", "gzip, deflate, br").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(response.headers()[CONTENT_ENCODING], "br");
        assert_eq!(response.headers()[VARY], "accept-encoding");
        assert_eq!(body(response).await, "brotli");

        let response = get(true, "/pkg/slotline.Ab3.js", "gzip").await;
        assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
        assert_eq!(body(response).await, "gzip");

        let response = get(true, "/pkg/slotline.Ab3.js", "identity").await;
        assert!(response.headers().get(CONTENT_ENCODING).is_none());
        assert_eq!(response.headers()[CONTENT_TYPE], "text/javascript");
        assert_eq!(body(response).await, "plain");

        let response = get(true, "/pkg/slotline.Ab3.js", "br;q=0, gzip;q=0.5").await;
        assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    }

    #[tokio::test]
    async fn unhashed_files_are_revalidated() {
        let response = get(false, "/pkg/slotline.Ab3.js", "br").await;
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
        let response = get(false, "/favicon.svg", "").await;
        assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=86400");
        assert_eq!(get(true, "/pkg/missing.js", "").await.status(), StatusCode::NOT_FOUND);
    }
}
