use cargo_soup::cli::Cli;
use cargo_soup::diagnostic::Diagnostics;

fn main() {
    let cli = Cli::parse_from_env();
    let code = match cargo_soup::commands::run(cli) {
        Ok(code) => code,
        // A reader that stops early (`cargo soup list | head`) closed the pipe: that
        // is a normal end, as in ripgrep and cargo.
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            // Diagnostics carry their own `error:` lines, one per problem.
            // Messages can quote a server's answer or a file's text: shown, not sent.
            let message = match err.downcast_ref::<Diagnostics>() {
                Some(diagnostics) => diagnostics.to_string(),
                None => format!("error: {err:#}"),
            };
            eprintln!("{}", cargo_soup::render::printable(&message));
            2
        }
    };
    std::process::exit(code);
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
