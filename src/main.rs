fn main() -> std::process::ExitCode {
    opentabletop::cli::main()
}
