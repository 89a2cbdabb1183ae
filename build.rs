// The demo catalog (`demo/`) is compiled into the binary: rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=demo");
}
