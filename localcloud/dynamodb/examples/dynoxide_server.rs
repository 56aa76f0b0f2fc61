//! dynoxide's own HTTP server, alone: an in-memory database on a current-thread Tokio runtime,
//! no localcloud code in the request path. `scripts/bench.sh` runs it beside localcloud and
//! moto as the ceiling for section a): the fastest answers the benchmark's client can get from
//! this engine on this machine, so what is left of localcloud's time above it is localcloud's.
//!
//!     cargo run --release -p localcloud-dynamodb --example dynoxide_server -- 8000

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p.parse()?,
        None => 0,
    };
    let db = dynoxide::Database::memory()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        println!("listening on http://{}", listener.local_addr()?);
        dynoxide::server::serve_on(listener, db).await;
        Ok(())
    })
}
