//! `iaclint lsp`: a Language Server over stdio, for editors.
//!
//! Single-threaded and synchronous (rust-analyzer's `lsp-server`): each open Terraform file or
//! CloudFormation template is linted on open, change and save, like `check --stdin-filename`: the
//! buffer replaces the file on disk, and a Terraform file is linted with the rest of its module
//! (the other files of its directory, from their open buffers when open, else from disk).
//! Findings and parse errors become diagnostics; hover on one shows the rule's documentation; a
//! code action inserts a suppression comment above it (HCL and YAML; JSON has no comments).
//!
//! Each document is linted by a [`Run`] with the `.iaclint.toml` found walking up from its
//! directory, as `iaclint check` would: rule selection, severities, include/exclude, per-path
//! ignores, extra rule directories and limits. Configs are cached per directory and read again
//! when a `.iaclint.toml` is saved in the editor or the client reports watched files changed
//! (clients that can watch files are asked to watch `**/.iaclint.toml`). A
//! config that does not load is shown as a diagnostic on line 1 of each document it governs. No
//! baseline applies (baselines are a `check` flag; the editor shows every finding).
//!
//! Positions: LSP counts columns in UTF-16 code units, iaclint in bytes; the conversion is here.

use std::collections::HashMap;
use std::error::Error;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeResult, Location, MarkupContent, MarkupKind, NumberOrString, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::config::{self, Config};
use crate::finding::Severity;
use crate::frontend::Unit;
use crate::inputs::FRONT_ENDS;
use crate::lint;
use crate::report::inert;
use crate::rules::Registry;
use crate::run::{ConfigSource, Content, Input, Run, RunSettings};
use crate::source::{SourceFile, Span};
use crate::suppress::Date;
use transport::Frame;

mod transport;

type BoxError = Box<dyn Error + Send + Sync>;

/// Serves one client on stdin/stdout until `exit` or the end of input. An `exit` without
/// `shutdown` first is an error (the process should then exit with 1, says the protocol).
/// `today` decides which suppressions expired.
pub fn run(today: Date) -> Result<(), BoxError> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    serve(&mut stdin.lock(), &mut stdout.lock(), today)
}

/// JSON-RPC error codes iaclint answers with.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// Serves one client reading `input` and writing `output`, until `exit` or the end of input.
/// Malformed input (bad framing, a body that is not JSON or not JSON-RPC, a message over
/// [`transport::MAX_MESSAGE_BYTES`], bad parameters) is answered with a JSON-RPC error or
/// logged to stderr, and the server goes on.
pub fn serve(input: &mut dyn BufRead, output: &mut dyn Write, today: Date) -> Result<(), BoxError> {
    let mut server = Server {
        out: output,
        builtin: Registry::builtin()?,
        today,
        config_of: HashMap::new(),
        projects: HashMap::new(),
        docs: HashMap::new(),
        watch_configs: false,
    };
    let mut initialized = false;
    let mut shut_down = false;
    while let Some(frame) = transport::read(input, transport::MAX_MESSAGE_BYTES)? {
        let msg = match frame {
            Frame::Message(m) => m,
            Frame::NotJson(e) => {
                eprintln!("iaclint lsp: message is not JSON: {}", inert::line(&e));
                server.send_error(None, PARSE_ERROR, format!("not JSON: {e}"))?;
                continue;
            }
            Frame::Broken(e) => {
                eprintln!("iaclint lsp: {e}");
                server.send_error(None, PARSE_ERROR, e)?;
                continue;
            }
            Frame::Invalid { id, reason } => {
                eprintln!("iaclint lsp: invalid message: {}", inert::line(&reason));
                server.send_error(id, INVALID_REQUEST, format!("invalid request: {reason}"))?;
                continue;
            }
        };
        match msg {
            Message::Request(req) => {
                let response = if shut_down {
                    Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    )
                } else if req.method == "initialize" {
                    if initialized {
                        Response::new_err(
                            req.id,
                            ErrorCode::InvalidRequest as i32,
                            "already initialized".into(),
                        )
                    } else {
                        initialized = true;
                        server.watch_configs = req
                            .params
                            .pointer(
                                "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration",
                            )
                            .and_then(serde_json::Value::as_bool)
                            .unwrap_or(false);
                        Response::new_ok(req.id, initialize_result())
                    }
                } else if !initialized {
                    Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        format!("`{}` before `initialize`", req.method),
                    )
                } else if req.method == "shutdown" {
                    shut_down = true;
                    Response::new_ok(req.id, serde_json::Value::Null)
                } else {
                    server.request(req)
                };
                server.send(response.into())?;
            }
            Message::Notification(n) if n.method == "exit" => {
                return if shut_down {
                    Ok(())
                } else {
                    Err("`exit` before `shutdown`".into())
                };
            }
            Message::Notification(n) if !initialized || shut_down => {
                eprintln!(
                    "iaclint lsp: `{}` ignored {}",
                    n.method.escape_debug(),
                    if shut_down {
                        "after `shutdown`"
                    } else {
                        "before `initialize`"
                    }
                );
            }
            Message::Notification(n) => {
                let method = n.method.clone();
                if let Err(e) = server.notification(n) {
                    // Output that cannot be written ends the session; bad parameters do not.
                    if e.downcast_ref::<io::Error>().is_some() {
                        return Err(e);
                    }
                    eprintln!(
                        "iaclint lsp: bad `{}` notification: {}",
                        method.escape_debug(),
                        inert::line(&e.to_string())
                    );
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "iaclint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// An open document.
struct Document {
    path: PathBuf,
    text: String,
    /// What was last published for it.
    published: Vec<Published>,
}

/// One published diagnostic, kept for hover and code actions.
struct Published {
    diagnostic: Diagnostic,
    /// The rule id (`None` for parse errors).
    rule: Option<String>,
    /// The (0-based) line of the resource's header in this document: a suppression comment on
    /// the line above it silences the rule for the whole resource. `None` when the resource is
    /// in another file or the finding is not about a resource.
    header_line: Option<u32>,
}

/// The `.iaclint.toml` that governs a directory, with the rules it loads; or why it does not
/// load.
type Project = Result<(Config, Registry), String>;

struct Server<'a> {
    out: &'a mut dyn Write,
    /// The rules of a document no `.iaclint.toml` governs.
    builtin: Registry,
    /// Today, for suppression expiry.
    today: Date,
    /// The `.iaclint.toml` of each document directory seen (`None`: there is none).
    config_of: HashMap<PathBuf, Option<PathBuf>>,
    /// Each `.iaclint.toml` read, by path.
    projects: HashMap<PathBuf, std::rc::Rc<Project>>,
    /// Open documents by URI.
    docs: HashMap<Uri, Document>,
    /// The client can watch files for us: ask it to report `.iaclint.toml` changes.
    watch_configs: bool,
}

impl Server<'_> {
    /// Writes one message.
    fn send(&mut self, msg: Message) -> io::Result<()> {
        msg.write(&mut self.out)?;
        self.out.flush()
    }

    /// Writes an error response; `id` is null when the message it answers has none.
    fn send_error(&mut self, id: Option<RequestId>, code: i32, message: String) -> io::Result<()> {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code, "message": message },
        })
        .to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.out.flush()
    }

    fn notification(&mut self, n: Notification) -> Result<(), BoxError> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return Ok(());
                };
                let doc = Document {
                    path,
                    text: p.text_document.text,
                    published: Vec::new(),
                };
                self.docs.insert(p.text_document.uri.clone(), doc);
                self.changed(&p.text_document.uri)?;
            }
            DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                // Full sync: the last change holds the whole text.
                if let (Some(doc), Some(change)) = (
                    self.docs.get_mut(&uri),
                    p.content_changes.into_iter().last(),
                ) {
                    doc.text = change.text;
                    self.changed(&uri)?;
                }
            }
            DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                let is_config = uri_to_path(&uri)
                    .is_some_and(|p| p.file_name().is_some_and(|n| n == config::FILE_NAME));
                if let Some(doc) = self.docs.get_mut(&uri) {
                    if let Some(text) = p.text {
                        doc.text = text;
                    }
                    if !is_config {
                        self.changed(&uri)?;
                    }
                }
                if is_config {
                    self.reload()?;
                }
            }
            "initialized" if self.watch_configs => {
                // Saved outside the editor too: the config is read again (see `reload`).
                let register = lsp_types::RegistrationParams {
                    registrations: vec![lsp_types::Registration {
                        id: "iaclint-config".into(),
                        method: DidChangeWatchedFiles::METHOD.into(),
                        register_options: Some(serde_json::to_value(
                            lsp_types::DidChangeWatchedFilesRegistrationOptions {
                                watchers: vec![lsp_types::FileSystemWatcher {
                                    glob_pattern: lsp_types::GlobPattern::String(format!(
                                        "**/{}",
                                        config::FILE_NAME
                                    )),
                                    kind: None,
                                }],
                            },
                        )?),
                    }],
                };
                self.send(
                    Request::new(
                        RequestId::from("iaclint-watch-config".to_string()),
                        "client/registerCapability".into(),
                        register,
                    )
                    .into(),
                )?;
            }
            DidChangeWatchedFiles::METHOD => {
                let _: lsp_types::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                self.reload()?;
            }
            DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                if let Some(doc) = self.docs.remove(&uri) {
                    self.publish(uri, Vec::new())?;
                    // Its module now reads it from disk.
                    for other in self.module_peers(&doc.path, None) {
                        self.lint(&other)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value(req.params)
                .map_err(BoxError::from)
                .and_then(|p| Ok(serde_json::to_value(self.hover(p))?)),
            CodeActionRequest::METHOD => serde_json::from_value(req.params)
                .map_err(BoxError::from)
                .and_then(|p| Ok(serde_json::to_value(self.code_actions(p))?)),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("iaclint does not handle `{}`", req.method),
                );
            }
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => error_response(id, e),
        }
    }

    /// Lints a document that changed, then the other open files of its Terraform module (their
    /// findings may depend on it).
    fn changed(&mut self, uri: &Uri) -> Result<(), BoxError> {
        self.lint(uri)?;
        let path = self.docs[uri].path.clone();
        for other in self.module_peers(&path, Some(uri)) {
            self.lint(&other)?;
        }
        Ok(())
    }

    /// The open Terraform documents in the directory of `path` (a Terraform file), but `except`.
    fn module_peers(&self, path: &Path, except: Option<&Uri>) -> Vec<Uri> {
        if !is_terraform(path) {
            return Vec::new();
        }
        self.docs
            .iter()
            .filter(|(u, d)| {
                Some(*u) != except && d.path.parent() == path.parent() && is_terraform(&d.path)
            })
            .map(|(u, _)| u.clone())
            .collect()
    }

    /// Forgets the configs read and lints every open document again.
    fn reload(&mut self) -> Result<(), BoxError> {
        self.config_of.clear();
        self.projects.clear();
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            self.lint(&uri)?;
        }
        Ok(())
    }

    /// The project governing the directory of `path`: read on first use, then cached.
    fn project(&mut self, path: &Path) -> Option<std::rc::Rc<Project>> {
        let dir = doc_dir(path);
        let found = self
            .config_of
            .entry(dir.clone())
            .or_insert_with(|| config::find(&dir))
            .clone()?;
        let project = self.projects.entry(found.clone()).or_insert_with(|| {
            let project = Config::load(&found)
                .map_err(|e| e.to_string())
                .and_then(|c| {
                    let registry = crate::run::registry_for(Some(&c)).map_err(|e| e.to_string())?;
                    Ok((c, registry))
                });
            std::rc::Rc::new(project)
        });
        Some(project.clone())
    }

    /// The rules that apply to the document at `path`.
    fn registry_of(&self, path: &Path) -> &Registry {
        let project = self
            .config_of
            .get(&doc_dir(path))
            .and_then(Option::as_ref)
            .and_then(|c| self.projects.get(c));
        match project.map(|p| p.as_ref()) {
            Some(Ok((_, registry))) => registry,
            _ => &self.builtin,
        }
    }

    /// Lints one open document and publishes its diagnostics.
    fn lint(&mut self, uri: &Uri) -> Result<(), BoxError> {
        let path = self.docs[uri].path.clone();
        let project = self.project(&path);
        let doc = &self.docs[uri];
        let published = if !lintable(&doc.path, &doc.text) {
            Vec::new()
        } else if let Some(Err(e)) = project.as_deref() {
            vec![config_error(e)]
        } else {
            let open: HashMap<PathBuf, String> = self
                .docs
                .values()
                .filter(|d| d.path != doc.path && d.path.parent() == doc.path.parent())
                .map(|d| (d.path.clone(), d.text.clone()))
                .collect();
            let settings = RunSettings {
                input: Input::Buffer {
                    path: doc.path.clone(),
                    content: Content::Bytes(doc.text.clone().into_bytes()),
                    open,
                    explicit: false,
                },
                config: ConfigSource::None,
                select: Vec::new(),
                skip: Vec::new(),
                fail_on: None,
                today: self.today,
                baseline: None,
            };
            let mut run = match project.as_deref() {
                Some(Ok((config, registry))) => Run::with_config(settings, Some(config), registry),
                _ => Run::with_config(settings, None, &self.builtin),
            };
            match run.execute() {
                Ok(outcome) => diagnostics(&outcome.report),
                Err(e) => {
                    eprintln!("iaclint: {}", inert::line(&e.to_string()));
                    Vec::new()
                }
            }
        };
        let diagnostics = published.iter().map(|p| p.diagnostic.clone()).collect();
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.published = published;
        }
        self.publish(uri.clone(), diagnostics)
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<Diagnostic>) -> Result<(), BoxError> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.into(), params).into())?;
        Ok(())
    }

    /// The documentation of the rules whose diagnostics cover the position.
    fn hover(&self, p: HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let doc = self.docs.get(&at.text_document.uri)?;
        let mut rules: Vec<&str> = Vec::new();
        let mut range = None;
        for d in &doc.published {
            let r = d.diagnostic.range;
            if let Some(rule) = &d.rule
                && contains(r, at.position)
                && !rules.contains(&rule.as_str())
            {
                rules.push(rule);
                range.get_or_insert(r);
            }
        }
        let registry = self.registry_of(&doc.path);
        let docs: Vec<String> = rules
            .iter()
            .filter_map(|id| registry.get(id))
            .map(|r| inert::text(&r.docs_markdown()).into_owned())
            .collect();
        if docs.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs.join("\n\n---\n\n"),
            }),
            range,
        })
    }

    /// "Suppress `rule` for this resource": a comment on the line above the resource's header,
    /// the placement a suppression comment always accepts (a comment above an attribute inside
    /// a resource would be an `invalid-suppression`).
    fn code_actions(&self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        if is_json(&doc.path, &doc.text) {
            return Vec::new();
        }
        let mut seen: Vec<(u32, &str)> = Vec::new();
        let mut actions = Vec::new();
        for d in &doc.published {
            let r = d.diagnostic.range;
            let Some(rule) = &d.rule else { continue };
            let Some(line) = d.header_line else { continue };
            if !overlaps(r, p.range) || seen.contains(&(line, rule.as_str())) {
                continue;
            }
            seen.push((line, rule));
            let edit = TextEdit {
                range: Range::new(Position::new(line, 0), Position::new(line, 0)),
                new_text: suppression_comment(&doc.text, line as usize, rule),
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "Suppress `{rule}` for this resource (iaclint:ignore, with a reason)"
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        actions
    }
}

/// The directory of a document (`.` for a bare file name).
fn doc_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A `.iaclint.toml` that does not load, shown on the first line of each document it governs.
fn config_error(message: &str) -> Published {
    Published {
        diagnostic: Diagnostic {
            range: Range::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("config-error".into())),
            source: Some("iaclint".into()),
            message: inert::text(message).into_owned(),
            ..Default::default()
        },
        rule: None,
        header_line: None,
    }
}

fn error_response(id: RequestId, e: BoxError) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}

/// `# iaclint:ignore RULE -- REASON` indented like the (0-based) line it goes above.
fn suppression_comment(text: &str, line: usize, rule: &str) -> String {
    // Lines as `SourceFile` counts them: LF, CRLF or a lone CR ends one.
    let current = text
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .nth(line)
        .unwrap_or("");
    let indent: String = current
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    format!("{indent}# iaclint:ignore {rule} -- TODO: say why this finding does not apply\n")
}

/// A file whose directory is one unit with it (a Terraform module).
fn is_terraform(path: &Path) -> bool {
    FRONT_ENDS
        .walked(path)
        .is_some_and(|f| f.unit() == Unit::Directory)
}

/// Terraform files, and JSON/YAML that is a CloudFormation template; other documents the editor
/// sends (any YAML file, say) get no diagnostics.
fn lintable(path: &Path, text: &str) -> bool {
    FRONT_ENDS
        .walked(path)
        .is_some_and(|f| f.sniff(&path.to_string_lossy(), text).is_ok())
}

/// JSON templates (`.json`, or a `.template` that starts with `{`): no comments, no suppression
/// comment to offer.
fn is_json(path: &Path, text: &str) -> bool {
    let name = path.to_string_lossy();
    FRONT_ENDS
        .for_path(&name)
        .is_some_and(|f| !f.has_line_comments(&name, text))
}

/// The report's findings and errors as diagnostics.
fn diagnostics(report: &lint::Report) -> Vec<Published> {
    let sources = &report.sources;
    let mut out = Vec::new();
    for f in &report.findings {
        let file = sources.get(f.primary.span.file);
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter_map(|l| {
                let lf = sources.get(l.span.file);
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: path_to_uri(&lf.fs_path)?,
                        range: range(lf, l.span),
                    },
                    message: inert::line(&l.message).into_owned(),
                })
            })
            .collect();
        let mut message = f.message.clone();
        if let Some(c) = &f.cdk_path {
            message.push_str(&format!(" (CDK construct {c})"));
        }
        if !f.primary.message.is_empty()
            && f.primary.message != f.message
            && !f.message.ends_with(&f.primary.message)
        {
            message.push_str(&format!("\n{}", f.primary.message));
        }
        message.push_str(&format!("\nhelp: {}", f.help));
        out.push(Published {
            diagnostic: Diagnostic {
                range: range(file, f.primary.span),
                severity: Some(severity(f.severity)),
                code: Some(NumberOrString::String(f.rule_id.clone())),
                source: Some("iaclint".into()),
                message: inert::text(&message).into_owned(),
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            },
            rule: Some(f.rule_id.clone()),
            header_line: f
                .resource_header
                .filter(|h| h.file == f.primary.span.file)
                .map(|h| range(file, h).start.line),
        });
    }
    for e in &report.errors {
        let range = match e.span {
            Some(span) => {
                let file = sources.get(span.file);
                // A point: widen it to the character there, so editors can underline it.
                let mut end = span.end;
                if span.is_empty()
                    && let Some(c) = file.text.get(span.start..).and_then(|t| t.chars().next())
                    && c != '\n'
                    && c != '\r'
                {
                    end = span.start + c.len_utf8();
                }
                self::range(file, Span::new(span.file, span.start..end))
            }
            None => Range::default(),
        };
        out.push(Published {
            diagnostic: Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("parse-error".into())),
                source: Some("iaclint".into()),
                message: inert::text(&e.message).into_owned(),
                ..Default::default()
            },
            rule: None,
            header_line: None,
        });
    }
    out
}

/// critical/high → Error, medium → Warning, low → Information, info → Hint.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
        Severity::Info => DiagnosticSeverity::HINT,
    }
}

/// A byte offset as an LSP position: 0-based line, column in UTF-16 code units.
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let p = file.position(offset);
    // Line 1 starts after a byte order mark: editors do not show it as a character.
    let line_start = file.offset_of(p.line, 1).min(p.offset);
    let character = file.text[line_start..p.offset].encode_utf16().count();
    Position::new((p.line - 1) as u32, character as u32)
}

/// A span as an LSP range.
pub fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(position(file, span.start), position(file, span.end))
}

fn contains(r: Range, p: Position) -> bool {
    r.start <= p && p <= r.end
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The file a `file:` URI names (percent-decoded); `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // Skip an authority (`file://localhost/...`).
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut bytes = Vec::with_capacity(path.len());
    let mut it = path.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `/C:/x` on Windows is `C:/x`.
    #[cfg(windows)]
    let decoded = match decoded.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of a path (made absolute against the current directory).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let s = abs.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn positions_count_utf16_code_units() {
        // `é` is 2 bytes and 1 UTF-16 unit, `😀` 4 bytes and 2 units.
        let text = "a\né😀 = \"*\"\n";
        let f = SourceFile::new("t.tf".into(), "t.tf".into(), Arc::from(text));
        let star = text.find('*').unwrap();
        assert_eq!(star, 2 + 2 + 4 + 4);
        assert_eq!(position(&f, star), Position::new(1, 1 + 2 + 4));
        assert_eq!(position(&f, 0), Position::new(0, 0));
        assert_eq!(position(&f, text.len()), Position::new(2, 0));
        // Inside a multi-byte character: clamps to its start.
        assert_eq!(position(&f, 5), Position::new(1, 1));
    }

    #[test]
    fn positions_skip_a_byte_order_mark_and_break_at_lone_cr() {
        let text = "\u{feff}a = 1\rb = 2";
        let f = SourceFile::new("t.tf".into(), "t.tf".into(), Arc::from(text));
        assert_eq!(position(&f, 0), Position::new(0, 0));
        assert_eq!(position(&f, 3), Position::new(0, 0));
        assert_eq!(position(&f, 4), Position::new(0, 1));
        assert_eq!(position(&f, text.find('b').unwrap()), Position::new(1, 0));
    }

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/my dir/é/main.tf");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20dir/%C3%A9/main.tf");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let host = Uri::from_str("file://localhost/a%2Bb.tf").unwrap();
        assert_eq!(uri_to_path(&host).unwrap(), Path::new("/a+b.tf"));
        assert!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }

    #[test]
    fn severities() {
        assert_eq!(severity(Severity::Critical), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::High), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::Medium), DiagnosticSeverity::WARNING);
        assert_eq!(severity(Severity::Low), DiagnosticSeverity::INFORMATION);
        assert_eq!(severity(Severity::Info), DiagnosticSeverity::HINT);
    }

    #[test]
    fn suppression_comments_keep_the_indentation() {
        let text = "resource \"a\" \"b\" {\n    policy = \"*\"\n}\n";
        assert_eq!(
            suppression_comment(text, 1, "r"),
            "    # iaclint:ignore r -- TODO: say why this finding does not apply\n"
        );
        // Lone CR and CRLF line endings count lines as positions do.
        let text = "a {\r  b = 1\r\n    c = 2\n}";
        assert!(suppression_comment(text, 1, "r").starts_with("  # "));
        assert!(suppression_comment(text, 2, "r").starts_with("    # "));
        assert!(is_json(Path::new("t.json"), ""));
        assert!(is_json(Path::new("t.template"), " {"));
        assert!(!is_json(Path::new("t.template"), "Resources:"));
        assert!(!is_json(Path::new("t.yaml"), "{}"));
    }
}
