//! The `tfop` command-line tool.

fn main() {
    println!("tfop {}", env!("CARGO_PKG_VERSION"));
}
