use cargo_soup::cli::Cli;
use cargo_soup::diagnostic::Diagnostics;

fn main() {
    let cli = Cli::parse_from_env();
    let code = match cargo_soup::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Diagnostics carry their own `error:` lines, one per problem.
            match err.downcast_ref::<Diagnostics>() {
                Some(diagnostics) => eprintln!("{diagnostics}"),
                None => eprintln!("error: {err:#}"),
            }
            2
        }
    };
    std::process::exit(code);
}
