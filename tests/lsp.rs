//! A scripted Language Server session against the real binary over stdio. Every read has a
//! timeout, and the server is killed when a test fails, so a hung server fails the test instead of
//! hanging CI.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iaclint"))
            .arg("lsp")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = Some(v.parse::<usize>().expect("a length"));
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("a JSON message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Writes bytes as they are, framing or not.
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next response whose id is `id` (`null` for errors about unreadable messages).
    fn response(&self, id: Value) -> Value {
        loop {
            let v = self.recv();
            if v.get("method").is_none() && v["id"] == id {
                return v;
            }
        }
    }

    fn recv(&self) -> Value {
        self.rx
            .recv_timeout(TIMEOUT)
            .expect("the server answers in time")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.recv();
            if v["id"] == id && v.get("method").is_none() {
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri` (others are skipped).
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let v = self.recv();
            if v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn initialize(&mut self) {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        let caps = &result["capabilities"];
        assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {caps}");
        assert_eq!(caps["hoverProvider"], true);
        assert_eq!(caps["codeActionProvider"], true);
        assert_eq!(result["serverInfo"]["name"], "iaclint");
        self.notify("initialized", json!({}));
    }

    /// `shutdown` then `exit`: the process exits, with this code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        // Stdin stays open: `exit` alone must end the process.
        self.wait()
    }

    fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn file_uri(path: &std::path::Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The UTF-16 position of byte `offset` in `text`.
fn utf16_position(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        line as u64,
        text[start..offset].encode_utf16().count() as u64,
    )
}

fn at(p: &Value) -> (u64, u64) {
    (
        p["line"].as_u64().unwrap(),
        p["character"].as_u64().unwrap(),
    )
}

#[test]
fn lsp_session_diagnostics_hover_code_action_fix_shutdown() {
    // ok.tf's wildcard policy, with characters that are wider in UTF-16 than in characters (the
    // emoji) and in bytes than in UTF-16 (the accents) before the finding, on its line.
    let bad = std::fs::read_to_string("tests/fixtures/malformed/ok.tf")
        .unwrap()
        .replace(
            "Statement = [{ Effect",
            "Statement = [{ Sid = \"Été😀\", Effect",
        );
    assert!(bad.contains("Été😀"));
    let fixed = bad
        .replace("Action = \"*\"", "Action = \"s3:GetObject\"")
        .replace("Resource = \"*\"", "Resource = \"arn:aws:s3:::bucket/*\"");
    // A module directory with a space in its name and another file on disk.
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("my module");
    std::fs::create_dir(&module).unwrap();
    std::fs::write(module.join("other.tf"), "locals {\n  x = 1\n}\n").unwrap();
    let uri = file_uri(&module.join("main.tf"));

    let mut c = Client::start();
    c.initialize();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": bad}}),
    );
    let diags = c.diagnostics(&uri);
    let action = diags
        .iter()
        .find(|d| d["code"] == "iam-wildcard-action")
        .unwrap_or_else(|| panic!("no iam-wildcard-action in {diags:#?}"));
    let resource = diags
        .iter()
        .find(|d| d["code"] == "iam-wildcard-resource")
        .unwrap_or_else(|| panic!("no iam-wildcard-resource in {diags:#?}"));
    assert_eq!(diags.len(), 2, "{diags:#?}");
    let star = bad.find("Action = \"*\"").unwrap() + "Action = ".len();
    assert_eq!(at(&action["range"]["start"]), utf16_position(&bad, star));
    assert_eq!(at(&action["range"]["end"]), utf16_position(&bad, star + 3));
    assert_eq!(action["severity"], 1, "high is Error");
    assert_eq!(resource["severity"], 2, "medium is Warning");
    assert_eq!(action["source"], "iaclint");
    assert!(
        action["message"]
            .as_str()
            .unwrap()
            .contains("allows all actions"),
        "{action}"
    );

    // Hover inside the diagnostic: the rule's documentation.
    let mut inside = action["range"]["start"].clone();
    inside["character"] = json!(inside["character"].as_u64().unwrap() + 1);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": inside}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let docs = hover["contents"]["value"].as_str().unwrap();
    assert!(docs.starts_with("# IAM policy allows"), "{docs}");
    assert!(docs.contains("(iam-wildcard-action)"), "{docs}");
    assert_eq!(hover["range"], action["range"]);
    // Nothing to say elsewhere.
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(nothing, Value::Null);

    // Code action: a suppression comment above the resource (the finding is inside it), which
    // is where a suppression for the whole resource goes.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": action["range"],
            "context": {"diagnostics": [action]},
        }),
    );
    let actions = actions.as_array().unwrap();
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("iam-wildcard-action"))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(suppress["kind"], "quickfix");
    let edits = suppress["edit"]["changes"][uri.as_str()]
        .as_array()
        .unwrap();
    let header = bad
        .lines()
        .position(|l| l.starts_with("resource \"aws_iam_role_policy\""))
        .unwrap();
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": header, "character": 0}, "end": {"line": header, "character": 0}})
    );
    let comment = edits[0]["newText"].as_str().unwrap();
    assert!(
        comment.starts_with("# iaclint:ignore iam-wildcard-action -- ") && comment.ends_with('\n'),
        "{comment:?}"
    );
    // Applied as is, the TODO is not a reason: the finding stays, the comment is reported.
    let mut lines: Vec<&str> = bad.split_inclusive('\n').collect();
    lines.insert(header, comment);
    let with_todo = lines.concat();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": with_todo}]}),
    );
    let codes: Vec<Value> = c
        .diagnostics(&uri)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert!(codes.contains(&json!("invalid-suppression")), "{codes:?}");
    assert!(codes.contains(&json!("iam-wildcard-action")), "{codes:?}");
    // With a reason, it suppresses the finding.
    let with_reason = with_todo.replace(
        "TODO: say why this finding does not apply",
        "break-glass role, reviewed quarterly",
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": with_reason}]}),
    );
    let codes: Vec<Value> = c
        .diagnostics(&uri)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert!(!codes.contains(&json!("iam-wildcard-action")), "{codes:?}");
    assert!(!codes.contains(&json!("invalid-suppression")), "{codes:?}");

    // Fixed: no diagnostics.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // Broken: a parse error is a diagnostic.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5},
               "contentChanges": [{"text": "resource \"aws_s3_bucket\" \"b\" {\n"}]}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "parse-error");
    assert_eq!(diags[0]["severity"], 1);

    // Closed: cleared.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    assert_eq!(c.shutdown(), 0);
}

#[test]
fn lsp_open_buffers_of_a_module_see_each_other() {
    // A scalable ECS service split over two open, unsaved buffers: the autoscaling rule needs
    // both.
    let fixed = std::fs::read_to_string("examples/terraform/fixed/ecs.tf").unwrap();
    let lines: Vec<&str> = fixed.lines().collect();
    let service = lines[165..200].join("\n") + "\n";
    let scaling = lines[232..257].join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let service_uri = file_uri(&dir.path().join("service.tf"));
    let scaling_uri = file_uri(&dir.path().join("scaling.tf"));
    let autoscaling = |diags: &[Value]| {
        diags
            .iter()
            .any(|d| d["code"] == "ecs-service-without-autoscaling")
    };

    let mut c = Client::start();
    c.initialize();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": service_uri, "languageId": "terraform", "version": 1, "text": service}}),
    );
    assert!(autoscaling(&c.diagnostics(&service_uri)));
    // Opening the other buffer re-lints the service: the finding goes away.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": scaling_uri, "languageId": "terraform", "version": 1, "text": scaling}}),
    );
    assert!(!autoscaling(&c.diagnostics(&service_uri)));
    // A JSON template gets no suppression comment.
    let template = std::fs::read_to_string("examples/cloudformation/bad/iam.json").unwrap();
    let template_uri = file_uri(&dir.path().join("iam.json"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": template_uri, "languageId": "json", "version": 1, "text": template}}),
    );
    let diags = c.diagnostics(&template_uri);
    assert!(!diags.is_empty());
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": template_uri}, "range": diags[0]["range"],
               "context": {"diagnostics": [diags[0]]}}),
    );
    assert_eq!(actions, json!([]));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn lsp_exit_without_shutdown_is_an_error() {
    let mut c = Client::start();
    c.initialize();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), 1);
}

/// A client that sends everything wrong the server can be sent, then a normal session: each
/// problem is answered or logged, the server goes on, and ends only at `exit`.
#[test]
fn lsp_hostile_stream_is_answered_and_the_server_goes_on() {
    let mut c = Client::start();
    c.initialize();
    let code = |v: &Value| v["error"]["code"].as_i64();

    // A body over the message cap (40 MiB: four times the file-size limit), skipped unread.
    let n = 41 * 1024 * 1024;
    c.send_raw(format!("Content-Length: {n}\r\n\r\n").as_bytes());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..41 {
        c.send_raw(&chunk);
    }
    assert_eq!(code(&c.response(Value::Null)), Some(-32700));

    // A bad Content-Length.
    c.send_raw(b"Content-Length: lots\r\n\r\n");
    assert_eq!(code(&c.response(Value::Null)), Some(-32700));
    // A header section over the cap.
    c.send_raw(format!("X-Junk: {}\r\n\r\n", "j".repeat(100_000)).as_bytes());
    assert_eq!(code(&c.response(Value::Null)), Some(-32700));
    // No Content-Length: the body is glued to the next message's header.
    c.send_raw(b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}");
    assert_eq!(code(&c.response(Value::Null)), Some(-32700));
    // Not JSON.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    assert_eq!(code(&c.response(Value::Null)), Some(-32700));
    // JSON, but not a request.
    c.send(json!({"jsonrpc": "2.0", "id": 41}));
    assert_eq!(code(&c.response(json!(41))), Some(-32600));
    c.send(json!([1, 2, 3]));
    assert_eq!(code(&c.response(Value::Null)), Some(-32600));
    // A request with bad parameters.
    c.send(json!({"jsonrpc": "2.0", "id": 42, "method": "textDocument/hover", "params": {"x": 1}}));
    assert_eq!(code(&c.response(json!(42))), Some(-32602));
    // Notifications with bad parameters are logged: `didOpen` without `text`, a URI that is
    // not a URI, no parameters at all.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///x.tf", "languageId": "terraform", "version": 1}}),
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "not a uri \u{0}", "languageId": "terraform", "version": 1, "text": ""}}),
    );
    c.notify("textDocument/didChange", Value::Null);

    // The server still serves: a normal document gets its diagnostics.
    let text = std::fs::read_to_string("tests/fixtures/malformed/ok.tf").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("main.tf"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(&uri);
    assert!(
        diags.iter().any(|d| d["code"] == "iam-wildcard-action"),
        "{diags:?}"
    );

    // After `shutdown`, requests are refused and notifications ignored; `exit` ends it with 0.
    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 2, "text": text}}),
    );
    c.send(json!({"jsonrpc": "2.0", "id": 43, "method": "textDocument/hover", "params": {}}));
    assert_eq!(code(&c.response(json!(43))), Some(-32600));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), 0);
}

/// A Content-Length in the petabytes is never allocated: the server skips what comes, and the
/// end of input ends it cleanly.
#[test]
fn lsp_huge_content_length_does_not_abort() {
    let mut c = Client::start();
    c.initialize();
    c.send_raw(b"Content-Length: 99999999999999\r\n\r\n{}");
    c.stdin = None;
    assert_eq!(c.wait(), 0);
}

/// Positions in a document with a byte order mark and lone-CR line endings, and a hostile
/// resource name: the diagnostic is on the line and character the editor shows, and its message
/// carries no raw control or bidi character.
#[test]
fn lsp_lone_cr_bom_and_hostile_names() {
    let text = "\u{feff}resource \"aws_iam_policy\" \"p\\u001b]0;x\\u0007\\u202e\" {\r  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }] })\r}\r";
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("main.tf"));
    let mut c = Client::start();
    c.initialize();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(&uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "iam-wildcard-action")
        .unwrap_or_else(|| panic!("{diags:?}"));
    let line2 = "  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = ";
    assert_eq!(at(&d["range"]["start"]), (1, line2.len() as u64), "{d}");
    let message = d["message"].as_str().unwrap();
    assert!(
        !message.contains(['\x1b', '\x07', '\u{202e}']),
        "{message:?}"
    );
    assert!(message.contains("\\x1b]0;x\\x07\\u{202e}"), "{message:?}");
    assert_eq!(c.shutdown(), 0);
}

/// The language server lints each document with the `.iaclint.toml` found walking up from its
/// directory (rules ignored, severities re-graded, excludes), and reads it again when it is saved.
#[test]
fn lsp_honours_iaclint_toml_and_rereads_it_on_save() {
    let bad = std::fs::read_to_string("tests/fixtures/malformed/ok.tf").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".iaclint.toml");
    std::fs::write(
        &config,
        "exclude = [\"infra/skipped\"]\n[rules]\nignore = [\"iam-wildcard-action\"]\n\
         [rules.severity]\n\"iam-wildcard-resource\" = \"low\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("infra/skipped")).unwrap();
    let uri = file_uri(&dir.path().join("infra/main.tf"));
    let skipped_uri = file_uri(&dir.path().join("infra/skipped/main.tf"));
    let codes = |diags: &[Value]| -> Vec<String> {
        diags
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    let mut c = Client::start();
    // A client that can watch files is asked to report `.iaclint.toml` changes.
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities":
            {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
    );
    c.notify("initialized", json!({}));
    let register = c.recv();
    assert_eq!(
        register["method"], "client/registerCapability",
        "{register}"
    );
    let watcher = &register["params"]["registrations"][0];
    assert_eq!(watcher["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        watcher["registerOptions"]["watchers"][0]["globPattern"],
        "**/.iaclint.toml"
    );
    c.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": bad}}),
    );
    let diags = c.diagnostics(&uri);
    assert!(
        !codes(&diags).contains(&"iam-wildcard-action".to_string()),
        "{diags:#?}"
    );
    let resource = diags
        .iter()
        .find(|d| d["code"] == "iam-wildcard-resource")
        .unwrap_or_else(|| panic!("no iam-wildcard-resource in {diags:#?}"));
    assert_eq!(resource["severity"], 3, "low is Information: {resource}");
    // An excluded file gets no diagnostics.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": skipped_uri, "languageId": "terraform", "version": 1, "text": bad}}),
    );
    assert_eq!(c.diagnostics(&skipped_uri), Vec::<Value>::new());

    // The config is edited and saved: every open document is linted again with it.
    std::fs::write(&config, "[rules]\nselect = [\"iam-wildcard-action\"]\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&config)}}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(codes(&diags), ["iam-wildcard-action"], "{diags:#?}");

    // A config that does not load is shown, not silently ignored.
    std::fs::write(&config, "[rules]\nignore = [\"iam-wildcard-actoin\"]\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": []}));
    let diags = c.diagnostics(&uri);
    assert_eq!(codes(&diags), ["config-error"], "{diags:#?}");
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.contains("did you mean `iam-wildcard-action`"),
        "{message}"
    );
    assert_eq!(c.shutdown(), 0);
}
