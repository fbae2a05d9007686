//! `tfop lsp` end to end: an editor's session over pipes, JSON-RPC with
//! `Content-Length` framing, as VS Code, Neovim or Helix would speak it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A plan that parses but does not check: `asb_incidnet` is misspelt, on a
/// line where `£` (two bytes, one UTF-16 unit) comes before it. Not in
/// canonical form: the claim is on one line.
const PLAN: &str = r#"plan "Test" {
  framework phase2
}

define recent = count offence within 6 months

problem crime "Crime" {
  indicator asb "ASB" {
    recent >= 2
  }
  significant "None" {
    no offence in family now
  }
  sustained for 6 months
}

eligible when problem crime

attach requires family_assessment and lead_professional

claim progress "£800 for progress" pays £800 { has asb_incidnet within 12 months and recent < 1 }
"#;

const URI: &str = "file:///plans/test.tfop";

/// Guards against a server that never answers; no assertion is timed.
const HANG_GUARD: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: u64,
    /// Notifications received while waiting for a response.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tfop"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
            notifications: Vec::new(),
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result, keeping the notifications
    /// that come before the response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    fn receive(&self) -> Value {
        self.messages
            .recv_timeout(HANG_GUARD)
            .expect("the server stopped answering")
    }

    /// The next diagnostics published, reading on if none came yet.
    fn diagnostics(&mut self) -> Vec<Value> {
        let published = |message: &Value| message["method"] == "textDocument/publishDiagnostics";
        let message = match self.notifications.iter().position(published) {
            Some(at) => self.notifications.remove(at),
            None => loop {
                let message = self.receive();
                if published(&message) {
                    break message;
                }
            },
        };
        assert_eq!(message["params"]["uri"], URI);
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

impl Client {
    /// A server initialized, with the document open holding `text`.
    fn opened(text: &str) -> Client {
        let mut client = Client::start();
        client.request("initialize", json!({"capabilities": {}}));
        client.notify("initialized", json!({}));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "tfop", "version": 1, "text": text}}),
        );
        client
    }

    /// `shutdown` answered, then `exit`: the server ends with 0.
    fn shut_down(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        assert_eq!(self.child.wait().unwrap().code(), Some(0));
    }

    /// Replaces the document's text, as typing does, and asks for completion
    /// at the editor's position of the text's end.
    fn completion_at_end(&mut self, version: u64, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"text": text}]
            }),
        );
        self.diagnostics();
        let last = text.rsplit('\n').next().unwrap();
        let position =
            json!({"line": text.matches('\n').count(), "character": last.encode_utf16().count()});
        self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": position}),
        )
    }
}

/// Reads one framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a message without Content-Length")];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).unwrap())
}

/// The position of the `nth` (from 0) place `needle` is written in the
/// plan: its line, and its UTF-16 column.
fn position_of(text: &str, needle: &str, nth: usize) -> Value {
    let offset = text.match_indices(needle).nth(nth).unwrap().0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({"line": line, "character": character})
}

fn at(needle: &str, nth: usize) -> Value {
    json!({"textDocument": {"uri": URI}, "position": position_of(PLAN, needle, nth)})
}

#[test]
fn an_editor_session_gets_diagnostics_hover_navigation_completion_formatting_and_folding() {
    let mut client = Client::start();
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let capabilities = &initialized["capabilities"];
    assert_eq!(capabilities["textDocumentSync"], 1, "full-text sync");
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
        "foldingRangeProvider",
    ] {
        assert_eq!(capabilities[provider], true, "{provider}");
    }
    assert!(capabilities["completionProvider"].is_object());
    client.notify("initialized", json!({}));

    // Opening a plan that does not check publishes its diagnostics.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "tfop", "version": 1, "text": PLAN}}),
    );
    let diagnostics = client.diagnostics();
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "E0102")
        .unwrap_or_else(|| panic!("no E0102 in {diagnostics:?}"));
    assert_eq!(unknown["severity"], 1, "an error");
    assert_eq!(unknown["source"], "tfop");
    let message = unknown["message"].as_str().unwrap();
    assert!(
        message.starts_with("unknown event kind `asb_incidnet`"),
        "{message}"
    );
    assert!(
        message.contains("help: did you mean `asb_incident`?"),
        "{message}"
    );
    // The range is in UTF-16 units: the line's two `£` count one unit each.
    let start = position_of(PLAN, "asb_incidnet", 0);
    let line = PLAN.lines().nth(20).unwrap();
    let column = line.find("asb_incidnet").unwrap();
    assert_eq!(start, json!({"line": 20, "character": column - 2}));
    let end = json!({"line": 20, "character": column - 2 + "asb_incidnet".len()});
    assert_eq!(unknown["range"], json!({"start": start, "end": end}));

    // Hover on a define's use shows its declaration; on a national kind,
    // the vocabulary's; on a problem, its title.
    let hover = client.request("textDocument/hover", at("recent >=", 0));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("define recent = count offence within 6 months"),
        "{shown}"
    );
    let hover = client.request("textDocument/hover", at("offence in family", 0));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("event offence on member at date"), "{shown}");
    assert!(shown.contains("national vocabulary"), "{shown}");
    let hover = client.request("textDocument/hover", at("crime\n", 0));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains(r#"problem crime "Crime""#), "{shown}");
    // A misspelt name names nothing.
    assert_eq!(
        client.request("textDocument/hover", at("asb_incidnet", 0)),
        Value::Null
    );

    // Go to definition from a use of `recent` lands on its declaration.
    let definition = client.request("textDocument/definition", at("recent < 1", 0));
    assert_eq!(definition["uri"], URI);
    assert_eq!(
        definition["range"],
        json!({"start": {"line": 4, "character": 7}, "end": {"line": 4, "character": 13}})
    );

    // Find references of the problem, from its declaration.
    let references = client.request(
        "textDocument/references",
        json!({
            "textDocument": {"uri": URI},
            "position": position_of(PLAN, "crime", 0),
            "context": {"includeDeclaration": true}
        }),
    );
    let lines: Vec<&Value> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|location| &location["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [&json!(6), &json!(16)]);

    // Completion in a condition offers event kinds and defines.
    let completion = client.request("textDocument/completion", at("recent >=", 0));
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"offence"), "{labels:?}");
    assert!(labels.contains(&"recent"), "{labels:?}");

    // Formatting is one edit of the whole document to what `tfop fmt` writes.
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let canonical = tfop::fmt::format_source(PLAN).unwrap();
    assert_ne!(canonical, PLAN);
    assert_eq!(
        edits,
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 21, "character": 0}},
            "newText": canonical
        }])
    );

    // Folding: each block of more than one line, up to the line before its `}`.
    let folds = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": URI}}),
    );
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|fold| {
            (
                fold["startLine"].as_u64().unwrap(),
                fold["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(folds, [(0, 1), (6, 13), (7, 8), (10, 11)]);

    // Typing half a line: a syntax error, no formatting edit, and completion
    // still knows the plan's problems.
    let typing = format!("{PLAN}eligible when problem ");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [{"text": typing}]
        }),
    );
    let diagnostics = client.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0001");
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits, Value::Null);
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 21, "character": 22}}),
    );
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["crime"]);

    // Shut down and exit: the process ends with 0.
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_1() {
    let mut client = Client::start();
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
}

/// A plan that checks but for its missing eligibility rule, whose claim's
/// title has characters of one, two and three bytes and one beyond the
/// basic plane (`𝄞`: four bytes, two UTF-16 units).
const WIDE: &str = "plan \"Test\" {\n  framework phase2\n}\n\n\
problem crime \"Crime\" {\n  indicator asb \"ASB\" {\n    has asb_incident within 6 months\n  }\n  \
significant \"None\" {\n    no asb_incident in family now\n  }\n}\n\n\
attach requires family_assessment and lead_professional\n\n\
claim progress \"Progrès — 𝄞\" pays £800 { has out_of_work_benefit where benefit = jsa now }\n";

fn labels(completion: &Value) -> Vec<&str> {
    completion
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect()
}

#[test]
fn positions_are_the_editors_after_wide_characters_and_completion_knows_values_and_keywords() {
    let mut client = Client::opened(WIDE);
    // A diagnostic about the whole plan underlines its first line rather
    // than an empty range at 1:1.
    let diagnostics = client.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the plan has no eligibility rule")
    );
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 13}})
    );

    // The hovered kind stands after `è` (2 bytes), `—` (3) and `𝄞` (4):
    // the editor's column counts them 1, 1 and 2, so 6 bytes fewer.
    let line = WIDE.lines().nth(15).unwrap();
    let bytes = line.find("out_of_work_benefit").unwrap();
    let column = bytes - 6;
    assert_eq!(
        column,
        line[..bytes].encode_utf16().count(),
        "the test's own count"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 15, "character": column + 3}}),
    );
    assert_eq!(
        hover["range"],
        json!({
            "start": {"line": 15, "character": column},
            "end": {"line": 15, "character": column + "out_of_work_benefit".len()}
        })
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("benefit: one of jsa"), "{shown}");

    // Typing on after the plan: each completion asked at the editor's
    // position of the text's end, on a line with a `𝄞` in it.
    let typed = |client: &mut Client, version: u64, line: &str| -> Value {
        client.completion_at_end(version, &format!("{WIDE}{line}"))
    };
    let head = "claim c \"𝄞\" pays £1 { ";
    let benefits = typed(
        &mut client,
        2,
        &format!("{head}has out_of_work_benefit where benefit in (jsa, "),
    );
    assert_eq!(labels(&benefits), ["jsa", "esa", "is", "ib", "uc", "other"]);
    assert_eq!(benefits[0]["kind"], 20, "an enum member");
    assert_eq!(
        benefits[0]["detail"],
        "benefit: one of jsa, esa, is, ib, uc, other"
    );
    let attributes = typed(&mut client, 3, &format!("{head}any adult where "));
    assert_eq!(
        labels(&attributes),
        ["resident", "parental_responsibility", "expectant"]
    );
    let flag = typed(
        &mut client,
        4,
        &format!("{head}any adult where resident = "),
    );
    assert_eq!(labels(&flag), ["true", "false"]);
    let dated = typed(
        &mut client,
        5,
        &format!("{head}any child meets (attendance < 85% "),
    );
    let then = dated
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "then")
        .unwrap_or_else(|| panic!("no `then` in {dated}"));
    assert_eq!(then["kind"], 14, "a keyword");
    let indicator = typed(
        &mut client,
        6,
        "problem p \"𝄞\" {\n  indicator i \"Title 𝄞\" code \"FE 4.3\" ",
    );
    assert_eq!(labels(&indicator), ["source"]);

    client.shut_down();
}

/// A Supporting Families plan whose need sits under a headline, with an
/// indicator another need's significant-progress block tests.
const SF: &str = r#"plan "SF" {
  framework sf2022
}

define recent = count offence within 6 months

problem crime "Crime" headline crime {
  indicator offending "Offending" {
    recent > 1
  }
  significant "Held" {
    indicator offending of crime held at attachment
  }
  sustained for 6 months after end of case
}
"#;

#[test]
fn completion_offers_keywords_by_place_benefits_headlines_and_hover_finds_indicators() {
    let mut client = Client::opened(SF);
    client.diagnostics();
    let sf_at = |needle: &str, nth: usize| json!({"textDocument": {"uri": URI}, "position": position_of(SF, needle, nth)});

    // Hover and go to definition on an indicator's use and a define's use.
    let hover = client.request("textDocument/hover", sf_at("offending of", 0));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains(r#"indicator offending "Offending""#),
        "{shown}"
    );
    assert!(shown.contains("indicator of problem `crime`"), "{shown}");
    let definition = client.request("textDocument/definition", sf_at("offending of", 0));
    assert_eq!(
        definition["range"]["start"],
        position_of(SF, "offending \"", 0)
    );
    let definition = client.request("textDocument/definition", sf_at("recent > 1", 0));
    assert_eq!(definition["range"]["start"], position_of(SF, "recent =", 0));
    // The sf2022 vocabulary's `case` spell is known.
    let hover = client.request("textDocument/hover", sf_at("case\n", 0));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("event case on family spell"), "{shown}");

    let mut version = 1;
    let mut typed = |client: &mut Client, line: &str| -> Vec<(String, u64)> {
        version += 1;
        client
            .completion_at_end(version, &format!("{SF}{line}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let label = item["label"].as_str().unwrap().to_string();
                (label, item["kind"].as_u64().unwrap())
            })
            .collect()
    };
    let keyword = |items: &[(String, u64)], word: &str| {
        items
            .iter()
            .any(|(label, kind)| label == word && *kind == 14)
    };

    // At a line's start: the items; in a problem: its entries.
    let items = typed(&mut client, "\n");
    for word in [
        "problem",
        "eligible",
        "attach",
        "claim",
        "continuous",
        "funding",
    ] {
        assert!(keyword(&items, word), "{word} in {items:?}");
    }
    let entries = typed(&mut client, "problem p \"P\" headline health {\n  ");
    let labels: Vec<&str> = entries.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["indicator", "significant", "sustained"]);
    // In a condition: the words that start one, beside kinds and defines.
    let condition = typed(&mut client, "problem p \"P\" {\n  indicator i \"I\" { ");
    for word in ["any", "has", "count", "no", "not", "latest"] {
        assert!(keyword(&condition, word), "{word} in {condition:?}");
    }
    assert!(condition.iter().any(|(label, _)| label == "recent"));
    assert!(condition.iter().any(|(label, _)| label == "case"));

    // After `headline`: the ten headline ids.
    let headlines = typed(&mut client, "problem p \"P\" headline ");
    assert_eq!(headlines.len(), 10, "{headlines:?}");
    assert_eq!(headlines[0], ("education".to_string(), 20));

    // In the continuous employment table: benefits, then its words.
    let table = "continuous employment {\n  ";
    let benefits = typed(&mut client, table);
    let labels: Vec<&str> = benefits.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["jsa", "esa", "is", "ib", "uc", "other", "while"]);
    let within = typed(&mut client, &format!("{table}jsa: 26 weeks "));
    assert_eq!(within, [("within".to_string(), 14)]);

    client.shut_down();
}

/// Typing a plan's header and settings from nothing: the frameworks after
/// `framework`, and each setting the server lists offers the words its own
/// signature gives (`member_events: while_member | always`), where its value
/// takes them: after the `:`, or after the count and `across`.
#[test]
fn completion_offers_the_frameworks_and_every_settings_words() {
    let mut client = Client::opened("");
    client.diagnostics();
    let mut version = 1;
    let mut typed = |client: &mut Client, text: &str| -> Vec<Value> {
        version += 1;
        client
            .completion_at_end(version, text)
            .as_array()
            .unwrap()
            .clone()
    };
    let label = |item: &Value| item["label"].as_str().unwrap().to_string();

    let frameworks = typed(&mut client, "plan \"P\" {\n  framework ");
    let labels: Vec<String> = frameworks.iter().map(label).collect();
    assert_eq!(labels, ["phase1", "phase2", "sf2022"]);
    assert_eq!(frameworks[1]["detail"], "framework phase2");
    assert!(
        frameworks[2]["documentation"]
            .as_str()
            .unwrap()
            .contains("Supporting Families Outcome Framework"),
        "{frameworks:?}"
    );

    let head = "plan \"P\" {\n  framework phase2\n}\nsettings {\n  ";
    let settings = typed(&mut client, head);
    assert_eq!(settings.len(), 9, "{settings:?}");
    for setting in settings {
        let name = label(&setting);
        let signature = setting["detail"].as_str().unwrap();
        let value = signature
            .strip_prefix(&format!("{name}: "))
            .unwrap_or_else(|| panic!("{signature}"));
        let mut words = |text: &str| -> Vec<String> {
            typed(&mut client, &format!("{head}{name}: {text}"))
                .iter()
                .filter(|item| item["kind"] == 20)
                .map(label)
                .collect()
        };
        if value == "AGE to AGE" {
            assert!(words("").is_empty(), "{name}");
        } else if let Some(across) = value.strip_prefix("N across ") {
            assert!(words("").is_empty(), "{name}");
            assert_eq!(words("3 across ").join(" | "), across, "{name}");
        } else {
            assert!(value.contains(" | "), "{signature}");
            assert_eq!(words("").join(" | "), value, "{name}");
        }
    }

    client.shut_down();
}
