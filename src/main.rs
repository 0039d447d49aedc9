//! The `iaclint` command line: flags → settings → [`Run`] → renderers, and one error path
//! ([`fail`]). Run policy (config, rule selection, baseline, exit category) lives in the library.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use iaclint::config;
use iaclint::finding::Severity;
use iaclint::lint;
use iaclint::report::{self, OutputFormat, RenderContext, RenderOptions};
use iaclint::rules::Registry;
use iaclint::run::{self, ConfigSource, Content, Input, Run, RunError, RunSettings};
use iaclint::suppress::Date;

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
    /// Run the language server on stdin/stdout (for editors): diagnostics for open Terraform
    /// files and CloudFormation templates, rule docs on hover, suppression quick fixes.
    Lsp,
    /// Inspect what iaclint sees.
    #[command(subcommand)]
    Debug(DebugCommand),
    /// Print what the AWS IAM action catalog knows about an action or a wildcard pattern
    /// (`s3:GetObject`, `'s3:Get*'`): access level, resource types with ARN patterns, condition keys.
    Catalog {
        /// An action or pattern; `*` and `?` are wildcards, case does not matter.
        action: String,
        /// `text` or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Run the `bad`/`good` cases of the rules: the built-in pack, the `extra-rule-dirs` of
    /// `.iaclint.toml` and the rule files of DIRs. Prints each failing case and a summary;
    /// exits 1 when a case fails, 2 when a rule file does not load.
    Test {
        /// Directories of rule files (`*.yml`, `*.yaml`).
        dirs: Vec<PathBuf>,
    },
    /// Write a commented default `.iaclint.toml` in the current directory.
    Init {
        /// Overwrite an existing `.iaclint.toml`.
        #[arg(long)]
        force: bool,
    },
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
    /// Files and directories to lint; `-` reads one file from stdin (with `--stdin-filename`).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// With `-`: lint stdin as if it were this file (for editors, on unsaved buffers). A `.tf`
    /// file is linted with the rest of its module (the other `.tf`/tfvars files of its directory,
    /// from disk); only the findings and errors in this file are reported, though related labels
    /// may point at other files. Stdin is limited to `file-bytes` (10 MiB unless `.iaclint.toml`
    /// raises it).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Output format: human (default), json, sarif, github or concise (`file:line:col: severity
    /// rule-id message`); `FORMAT=PATH` writes that report to a file. Repeatable, for several
    /// reports from one scan; at most one goes to stdout.
    #[arg(long = "format", value_name = "FORMAT[=PATH]", value_parser = parse_format_spec)]
    formats: Vec<FormatSpec>,
    /// Write the report to FILE instead of stdout (with at most one `--format`).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
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
    /// Use this config file instead of the `.iaclint.toml` found walking up from the first path.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Do not report the findings this baseline file lists (see `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in FILE as the baseline and exit 0 (no report is written).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Print only the summary and errors (human format).
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Also list the checks that could not be decided because they need a value iaclint cannot
    /// know (a variable without a default, another resource's attribute, a dynamic block).
    #[arg(long, short)]
    verbose: bool,
}

/// An error message for stderr, made inert: it may quote a user's file (a config key).
fn inert(e: &impl std::fmt::Display) -> String {
    let s = e.to_string();
    report::inert::guard_lines(&report::inert::text(&s)).into_owned()
}

/// The one error path: prints `error: ...` (inert) on stderr and returns exit code 2. The errors
/// of the files a refused baseline would miss come first, one per line.
fn fail(e: impl Into<Failure>) -> ExitCode {
    match e.into() {
        Failure::Run(e) => {
            if let RunError::BaselineNotWritten { errors } = &e {
                print_input_errors(errors);
            }
            print_error(&e);
        }
        Failure::Usage(e) => print_error(&e),
    }
    ExitCode::from(2)
}

/// `error: ...` on stderr, inert.
fn print_error(e: &dyn std::fmt::Display) {
    eprintln!("error: {}", inert(&e));
}

/// `error: path: message` on stderr for each file that could not be linted.
fn print_input_errors(errors: &[iaclint::finding::InputError]) {
    for e in errors {
        eprintln!(
            "error: {}: {}",
            report::inert::path(&e.path),
            report::inert::text(&e.message)
        );
    }
}

/// What [`fail`] prints: a run's error or a usage/IO message of the CLI itself.
enum Failure {
    Run(RunError),
    Usage(String),
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        Failure::Run(e)
    }
}

impl From<String> for Failure {
    fn from(e: String) -> Self {
        Failure::Usage(e)
    }
}

impl From<config::InitError> for Failure {
    fn from(e: config::InitError) -> Self {
        Failure::Usage(e.to_string())
    }
}

/// Today for suppression expiry: `IACLINT_TODAY=YYYY-MM-DD` when set and valid (tests,
/// reproducible runs), else the system clock.
fn today() -> Date {
    std::env::var("IACLINT_TODAY")
        .ok()
        .and_then(|v| Date::parse(v.trim()))
        .unwrap_or_else(Date::today)
}

/// The rules of the config in the current directory (for `rules`, `explain`, `test`).
fn cwd_registry() -> Result<Registry, RunError> {
    let config = run::load_config(&ConfigSource::Discover(PathBuf::from(".")))?;
    run::registry_for(config.as_ref())
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// One report to write: a format, and a file (stdout when `None`).
#[derive(Clone, Debug)]
struct FormatSpec {
    format: OutputFormat,
    path: Option<PathBuf>,
}

fn parse_format_spec(s: &str) -> Result<FormatSpec, String> {
    let (name, path) = match s.split_once('=') {
        Some((name, "")) => {
            return Err(format!("`{name}=` needs a file name after `=`"));
        }
        Some((name, path)) => (name, Some(PathBuf::from(path))),
        None => (s, None),
    };
    let format = <OutputFormat as clap::ValueEnum>::from_str(name, true).map_err(|_| {
        format!(
            "unknown format `{name}` (expected human, json, sarif, github or concise, \
             optionally =PATH)"
        )
    })?;
    Ok(FormatSpec { format, path })
}

/// The reports to write, from `--format` and `--output`; a usage error when they conflict.
fn outputs(formats: Vec<FormatSpec>, output: Option<PathBuf>) -> Result<Vec<FormatSpec>, String> {
    let mut outputs = formats;
    if outputs.is_empty() {
        outputs.push(FormatSpec {
            format: OutputFormat::Human,
            path: None,
        });
    }
    if let Some(path) = output {
        if outputs.len() != 1 {
            return Err(
                "--output needs exactly one --format; with several, give each its file: \
                 --format sarif=results.sarif"
                    .into(),
            );
        }
        if let Some(p) = &outputs[0].path {
            return Err(format!(
                "both --format {}={} and --output {} name a file; use one",
                outputs[0].format.as_str(),
                p.display(),
                path.display()
            ));
        }
        outputs[0].path = Some(path);
    }
    let to_stdout: Vec<&str> = outputs
        .iter()
        .filter(|o| o.path.is_none())
        .map(|o| o.format.as_str())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "only one format can go to stdout, got {}; write the others to files: \
             --format {}=FILE",
            to_stdout.join(" and "),
            to_stdout[1]
        ));
    }
    for (i, o) in outputs.iter().enumerate() {
        if let Some(p) = &o.path
            && outputs[..i].iter().any(|q| q.path.as_ref() == Some(p))
        {
            return Err(format!("two reports would be written to {}", p.display()));
        }
    }
    Ok(outputs)
}

/// `iaclint test [DIR]...`.
fn test_rules(dirs: &[PathBuf]) -> ExitCode {
    let registry = match cwd_registry() {
        Ok(r) => run::with_rule_dirs(r, dirs),
        Err(e) => return fail(e),
    };
    let registry = match registry {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let runs = iaclint::harness::run_all(&registry, &|_| true);
    let mut out = io::stdout().lock();
    let mut failed = 0;
    for run in &runs {
        if let Some(f) = &run.failure {
            failed += 1;
            let _ = writeln!(out, "FAIL {} ({})\n    {f}", run.label(), run.rule.source);
        }
    }
    let rules = registry.rules().len();
    let _ = writeln!(
        out,
        "{} passed, {failed} failed ({} cases of {rules} rules)",
        runs.len() - failed,
        runs.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn init(force: bool) -> ExitCode {
    match config::init(Path::new("."), force) {
        Ok(path) => {
            eprintln!("wrote {}", iaclint::discover::display_path(&path));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `iaclint catalog`: the matching actions, or "did you mean" and exit 2.
fn catalog(pattern: &str, format: &str) -> ExitCode {
    use iaclint::iam_catalog::{self, render};
    let catalog = iam_catalog::catalog();
    let actions = catalog.expand(pattern);
    if actions.is_empty() {
        return fail(render::no_match(catalog, pattern));
    }
    let text = if format == "json" {
        format!("{:#}\n", render::json(catalog, &actions))
    } else {
        render::text(catalog, &actions)
    };
    let _ = io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init { force } => init(force),
        Command::Check(args) => check(args),
        Command::Catalog { action, format } => catalog(&action, &format),
        Command::Test { dirs } => test_rules(&dirs),
        // Each document gets the `.iaclint.toml` of its directory.
        Command::Lsp => match iaclint::lsp::run(today()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: language server: {e}");
                ExitCode::from(1)
            }
        },
        // These show the rules of the config in the current directory too (and fail on it).
        Command::Rules => cwd_registry().map_or_else(fail, |r| list_rules(&r)),
        Command::Explain { id } => cwd_registry().map_or_else(fail, |r| explain(&r, id)),
        Command::Debug(DebugCommand::Graph { paths }) => {
            cwd_registry().map_or_else(fail, |_| debug_graph(&paths))
        }
    }
}

/// `iaclint rules`.
fn list_rules(registry: &Registry) -> ExitCode {
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<36} {:<8} {:<34} TITLE",
        "ID", "SEVERITY", "FORMATS"
    );
    for r in registry.rules() {
        let formats: Vec<&str> = r.formats().iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<36} {:<8} {:<34} {}",
            r.id(),
            r.spec.severity.as_str(),
            formats.join(","),
            r.spec.title
        );
    }
    ExitCode::SUCCESS
}

/// `iaclint explain ID`.
fn explain(registry: &Registry, id: String) -> ExitCode {
    match registry.get(&id) {
        Some(r) => {
            let _ = write!(io::stdout().lock(), "{}", r.docs_markdown());
            ExitCode::SUCCESS
        }
        None => fail(RunError::Lint(lint::LintError::UnknownRule {
            suggestion: registry.suggest(&id).map(str::to_string),
            id,
        })),
    }
}

/// `iaclint debug graph PATH...`.
fn debug_graph(paths: &[PathBuf]) -> ExitCode {
    let model = lint::load(paths);
    let mut out = io::stdout().lock();
    if let Err(e) = iaclint::report::graph::render(
        &iaclint::report::graph::GraphView {
            sources: &model.sources,
            graph: &model.graph,
            policies: &model.policies,
        },
        &mut out,
    ) && e.kind() != io::ErrorKind::BrokenPipe
    {
        return fail(format!("cannot write the graph: {e}"));
    }
    print_input_errors(&model.errors);
    if model.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// The file stdin stands for, when the paths are `-`; a usage error when `-` and
/// `--stdin-filename` do not come together. (The run reads stdin, up to its `file-bytes`.)
fn stdin_path(
    paths: &[PathBuf],
    stdin_filename: Option<PathBuf>,
) -> Result<Option<PathBuf>, String> {
    let dash = paths.iter().any(|p| p.as_os_str() == "-");
    match (dash, stdin_filename) {
        (false, None) => Ok(None),
        (true, None) => Err(
            "`-` reads the file from stdin and needs `--stdin-filename PATH`, the \
                    file it stands for (e.g. `--stdin-filename main.tf -`)"
                .into(),
        ),
        (false, Some(_)) => Err("`--stdin-filename` needs `-` as the path to lint stdin".into()),
        (true, Some(_)) if paths.len() > 1 => {
            Err("`-` (stdin) cannot be combined with other paths".into())
        }
        (true, Some(p)) => Ok(Some(p)),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let outputs = match outputs(args.formats, args.output) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let stdin = match stdin_path(&args.paths, args.stdin_filename) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // The config that applies to the stdin file's directory, or to the first path.
    let config = match (args.config, &stdin) {
        (Some(file), _) => ConfigSource::File(file),
        (None, Some(p)) => ConfigSource::Discover(p.clone()),
        (None, None) => ConfigSource::Discover(
            args.paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from(".")),
        ),
    };
    let input = match stdin {
        Some(path) => Input::Buffer {
            path,
            content: Content::Stdin(Box::new(io::stdin())),
            open: Default::default(),
            explicit: true,
        },
        None => Input::Paths(args.paths),
    };
    let settings = RunSettings {
        input,
        config,
        select: args.rules,
        skip: args.skip_rules,
        fail_on: args.fail_on,
        today: today(),
        baseline: args.baseline,
    };
    let mut run = match Run::new(settings) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    for w in run.case_warnings() {
        eprintln!("warning: {w}");
    }
    if let Some(path) = &args.write_baseline {
        return match run.write_baseline(path) {
            Ok(n) => {
                eprintln!(
                    "wrote {n} finding{} to the baseline {}",
                    if n == 1 { "" } else { "s" },
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let outcome = match run.execute() {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let report = &outcome.report;
    let src_root = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot read the current directory: {e}")),
    };
    let ctx = RenderContext {
        registry: run.registry(),
        src_root: &src_root,
    };
    let stdout = io::stdout();
    let color = !args.no_color && std::env::var_os("NO_COLOR").is_none() && stdout.is_terminal();
    let opts = RenderOptions {
        color,
        quiet: args.quiet,
        verbose: args.verbose,
        width: 100,
    };
    let mut write_failed = false;
    for o in &outputs {
        match &o.path {
            Some(path) => {
                let mut buf = Vec::new();
                let file_opts = RenderOptions {
                    color: false,
                    ..opts
                };
                let written = report::render(o.format, report, &file_opts, &ctx, &mut buf)
                    .and_then(|()| std::fs::write(path, &buf));
                if let Err(e) = written {
                    print_error(&format!(
                        "cannot write the {} report to {}: {e}",
                        o.format.as_str(),
                        path.display()
                    ));
                    write_failed = true;
                }
            }
            None => {
                let mut out = stdout.lock();
                if let Err(e) = report::render(o.format, report, &opts, &ctx, &mut out)
                    && e.kind() != io::ErrorKind::BrokenPipe
                {
                    print_error(&format!("cannot write the report: {e}"));
                    write_failed = true;
                }
                let _ = out.flush();
            }
        }
    }
    if write_failed {
        return ExitCode::from(2);
    }
    ExitCode::from(outcome.exit.code())
}
