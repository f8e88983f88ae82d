//! Static files and how browsers may keep them: cargo-leptos's hashed
//! `/pkg` files are kept for a year without revalidation and sent
//! precompressed (brotli or gzip, by `Accept-Encoding`); pages are
//! revalidated on every visit.
use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::middleware::Next;
use axum::response::Response;
use std::path::{Path, PathBuf};
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

/// `/pkg/*` and `/favicon.svg` from the site root.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &Path, pkg_dir: &str, hashed: bool) -> Router<S> {
    let pkg_cache = HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE });
    // `.br`/`.gz` siblings exist when the site was built with
    // `cargo leptos build --release --precompress`; otherwise the file
    // itself is sent.
    let pkg = ServeDir::new(site_root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(
            &format!("/{pkg_dir}"),
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, pkg_cache))
                .layer(SetResponseHeaderLayer::overriding(
                    VARY,
                    HeaderValue::from_static("accept-encoding"),
                ))
                .service(pkg),
        )
        .route_service(
            "/favicon.svg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ))
                .service(ServeFile::new(PathBuf::from(site_root).join("favicon.svg"))),
        )
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
    use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
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
        let response = routes::<()>(&site, "pkg", hashed).oneshot(request).await.unwrap();
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
        assert_eq!(body(response).await, "plain");
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
