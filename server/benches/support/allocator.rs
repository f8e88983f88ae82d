//! The server binary's allocator (see `server/src/main.rs`): a benchmark
//! that runs the server in its own process measures it as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
