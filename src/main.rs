//! The `iaclint` command line: flags → settings → `lint` → renderers. Nothing else lives here.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use iaclint::finding::Severity;
use iaclint::lint::{self, Settings};
use iaclint::report::{self, OutputFormat, RenderOptions};
use iaclint::rules::Registry;

/// A static policy linter for infrastructure as code.
#[derive(Parser, Debug)]
#[command(name = "iaclint", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
    /// List the rules: id, severity, formats, title.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. `ecs-service-without-rollback`.
        id: String,
    },
    /// Inspect what iaclint sees.
    #[command(subcommand)]
    Debug(DebugCommand),
}

#[derive(Subcommand, Debug)]
enum DebugCommand {
    /// Print the resource graph: nodes with their evaluated attributes and edges, and the IAM
    /// policy documents found. The first thing to look at when a rule does not fire.
    Graph {
        /// Files and directories.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files and directories to lint.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Exit with 1 only for findings at or above this severity (default: any finding).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Run only this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    rules: Vec<String>,
    /// Do not run this rule (repeatable).
    #[arg(long = "skip-rule", value_name = "ID")]
    skip_rules: Vec<String>,
    /// Never use colours.
    #[arg(long)]
    no_color: bool,
    /// Print only the summary and errors (human format).
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Also list the checks that could not be decided because they need a value iaclint cannot
    /// know (a variable without a default, another resource's attribute, a dynamic block).
    #[arg(long, short)]
    verbose: bool,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let registry = match Registry::builtin() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the built-in rule pack is broken: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Rules => {
            let mut out = io::stdout().lock();
            let _ = writeln!(
                out,
                "{:<36} {:<8} {:<16} TITLE",
                "ID", "SEVERITY", "FORMATS"
            );
            for r in registry.rules() {
                let formats: Vec<&str> = r.formats().iter().map(|f| f.as_str()).collect();
                let _ = writeln!(
                    out,
                    "{:<36} {:<8} {:<16} {}",
                    r.id(),
                    r.spec.severity.as_str(),
                    formats.join(","),
                    r.spec.title
                );
            }
            ExitCode::SUCCESS
        }
        Command::Explain { id } => match registry.get(&id) {
            Some(r) => {
                let _ = write!(io::stdout().lock(), "{}", r.docs_markdown());
                ExitCode::SUCCESS
            }
            None => {
                let hint = registry
                    .suggest(&id)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                eprintln!("error: unknown rule `{id}`{hint} (run `iaclint rules` to list them)");
                ExitCode::from(2)
            }
        },
        Command::Check(args) => check(args, &registry),
        Command::Debug(DebugCommand::Graph { paths }) => {
            let model = lint::load(&paths);
            let mut out = io::stdout().lock();
            if let Err(e) = iaclint::report::graph::render(&model, &mut out)
                && e.kind() != io::ErrorKind::BrokenPipe
            {
                eprintln!("error: cannot write the graph: {e}");
                return ExitCode::from(2);
            }
            for e in &model.errors {
                eprintln!("error: {}: {}", e.path, e.message);
            }
            if model.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn check(args: CheckArgs, registry: &Registry) -> ExitCode {
    let settings = Settings {
        paths: args.paths,
        select: args.rules,
        skip: args.skip_rules,
    };
    let report = match lint::lint(&settings, registry) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let color = !args.no_color && std::env::var_os("NO_COLOR").is_none() && stdout.is_terminal();
    let opts = RenderOptions {
        color,
        quiet: args.quiet,
        verbose: args.verbose,
        width: 100,
    };
    let mut out = stdout.lock();
    if let Err(e) = report::render(args.format, &report, &opts, &mut out)
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    let _ = out.flush();
    if !report.errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = args.fail_on.unwrap_or(Severity::Info);
    if report.findings.iter().any(|f| f.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
