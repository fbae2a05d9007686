//! `tfop lsp`: a Language Server Protocol server on standard input and
//! output. It only speaks the protocol: diagnostics come from
//! `Plan::parse_with_warnings` (what `tfop check` prints), names from
//! `tfop::symbols`, formatting from `tfop::fmt`. Positions are UTF-16 code
//! units within a line, the protocol's default encoding.

use super::Exit;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, FoldingRangeRequest, Formatting, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionParams, CompletionResponse,
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentFormattingParams,
    FoldingRange, FoldingRangeParams, FoldingRangeProviderCapability, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeResult, Location, MarkupContent, MarkupKind, NumberOrString, OneOf, Position,
    PublishDiagnosticsParams, Range, ReferenceParams, ServerCapabilities, ServerInfo,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
};
use std::collections::HashMap;
use tfop::symbols::{Symbol, SymbolIndex, SymbolKind};
use tfop::{Plan, Severity, Span};

/// Serves one client until it sends `exit`: 0 after `shutdown`, 1 otherwise
/// (as the protocol asks) or when the connection fails.
pub(crate) fn lsp() -> Exit {
    let (connection, io_threads) = Connection::stdio();
    let served = serve(&connection);
    // The writer thread ends when the connection's sender is dropped.
    drop(connection);
    let joined = io_threads.join();
    match (served, joined) {
        (Ok(true), Ok(())) => Exit::Success,
        (Ok(false), Ok(())) => {
            eprintln!("error: tfop lsp: the client sent `exit` before `shutdown`");
            Exit::Failure
        }
        (Err(error), _) => {
            eprintln!("error: tfop lsp: {error}");
            Exit::Failure
        }
        (Ok(_), Err(error)) => {
            eprintln!("error: tfop lsp: the connection failed: {error}");
            Exit::Failure
        }
    }
}

/// Whether the client shut the server down before it exited.
fn serve(connection: &Connection) -> Result<bool, String> {
    let (id, _params) = connection
        .initialize_start()
        .map_err(|error| error.to_string())?;
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![
                ":".to_string(),
                "(".to_string(),
                "=".to_string(),
                ",".to_string(),
            ]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "tfop".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|error| error.to_string())?;
    let mut server = Server {
        connection,
        documents: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|error| error.to_string())?
                {
                    return Ok(true);
                }
                server.request(request)?;
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(false);
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
    }
    Err("the client closed the connection without `exit`".to_string())
}

/// A request's result, or the protocol's error code and a message.
type Answer<R> = Result<R, (ErrorCode, String)>;

struct Server<'a> {
    connection: &'a Connection,
    documents: HashMap<Uri, Document>,
}

/// An open plan: its text as the editor has it, its names if it parses,
/// and the names of the last text that parsed, for completion while the
/// author is in the middle of a line.
struct Document {
    text: String,
    index: Option<SymbolIndex>,
    names: SymbolIndex,
}

impl Server<'_> {
    fn send(&self, message: impl Into<Message>) -> Result<(), String> {
        self.connection
            .sender
            .send(message.into())
            .map_err(|error| format!("cannot write to the client: {error}"))
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) {
                    let document = params.text_document;
                    self.update(document.uri, document.text, Some(document.version))?;
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) {
                    // Full sync: the last change is the whole new text.
                    if let Some(change) = params.content_changes.into_iter().last() {
                        let document = params.text_document;
                        self.update(document.uri, change.text, Some(document.version))?;
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) {
                    let uri = params.text_document.uri;
                    self.documents.remove(&uri);
                    self.publish(uri, Vec::new(), None)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Takes a document's new text and publishes its diagnostics.
    fn update(&mut self, uri: Uri, text: String, version: Option<i32>) -> Result<(), String> {
        let diagnostics = match Plan::parse_with_warnings(&text) {
            Ok((_, warnings)) => warnings,
            Err(diagnostics) => diagnostics,
        };
        let lines = Lines::new(&text);
        let diagnostics = diagnostics
            .0
            .iter()
            .map(|diagnostic| to_lsp_diagnostic(diagnostic, &uri, &lines))
            .collect();
        let index = SymbolIndex::of(&text).ok();
        let names = match (&index, self.documents.remove(&uri)) {
            (Some(index), _) => index.clone(),
            (None, Some(previous)) => previous.names,
            (None, None) => SymbolIndex::national(),
        };
        self.documents
            .insert(uri.clone(), Document { text, index, names });
        self.publish(uri, diagnostics, version)
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), String> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        ))
    }

    fn request(&mut self, request: Request) -> Result<(), String> {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self.answer(request, Self::hover),
            GotoDefinition::METHOD => self.answer(request, Self::definition),
            References::METHOD => self.answer(request, Self::references),
            Completion::METHOD => self.answer(request, Self::completion),
            Formatting::METHOD => self.answer(request, Self::formatting),
            FoldingRangeRequest::METHOD => self.answer(request, Self::folding),
            method => Err((
                ErrorCode::MethodNotFound,
                format!("tfop lsp does not answer `{method}`"),
            )),
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response)
    }

    /// Reads a request's parameters and answers it with `handle`.
    fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &self,
        request: Request,
        handle: fn(&Self, P) -> Answer<R>,
    ) -> Answer<serde_json::Value> {
        let params = serde_json::from_value::<P>(request.params).map_err(|error| {
            (
                ErrorCode::InvalidParams,
                format!("`{}`: {error}", request.method),
            )
        })?;
        let result = handle(self, params)?;
        serde_json::to_value(result).map_err(|error| (ErrorCode::InternalError, error.to_string()))
    }

    /// The document, its line index and the byte offset of a position in it.
    fn at(&self, position: &TextDocumentPositionParams) -> Option<(&Document, Lines<'_>, usize)> {
        let document = self.documents.get(&position.text_document.uri)?;
        let lines = Lines::new(&document.text);
        let offset = lines.offset(position.position);
        Some((document, lines, offset))
    }

    fn hover(&self, params: HoverParams) -> Answer<Option<Hover>> {
        let Some((document, lines, offset)) = self.at(&params.text_document_position_params) else {
            return Ok(None);
        };
        let Some(index) = &document.index else {
            return Ok(None);
        };
        let Some(occurrence) = index.at(offset) else {
            return Ok(None);
        };
        let Some(symbol) = index.symbol(occurrence.symbol) else {
            return Ok(None);
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: describe(symbol),
            }),
            range: Some(lines.range(occurrence.span)),
        }))
    }

    fn definition(&self, params: GotoDefinitionParams) -> Answer<Option<GotoDefinitionResponse>> {
        let position = &params.text_document_position_params;
        let Some((document, lines, offset)) = self.at(position) else {
            return Ok(None);
        };
        let declared = document.index.as_ref().and_then(|index| {
            let occurrence = index.at(offset)?;
            index.symbol(occurrence.symbol)?.declaration
        });
        Ok(declared.map(|span| {
            GotoDefinitionResponse::Scalar(Location {
                uri: position.text_document.uri.clone(),
                range: lines.range(span),
            })
        }))
    }

    fn references(&self, params: ReferenceParams) -> Answer<Option<Vec<Location>>> {
        let position = &params.text_document_position;
        let Some((document, lines, offset)) = self.at(position) else {
            return Ok(None);
        };
        let Some(index) = &document.index else {
            return Ok(None);
        };
        let Some(occurrence) = index.at(offset) else {
            return Ok(None);
        };
        let with_declaration = params.context.include_declaration;
        let locations = index
            .occurrences_of(occurrence.symbol)
            .filter(|occurrence| with_declaration || !occurrence.declaration)
            .map(|occurrence| Location {
                uri: position.text_document.uri.clone(),
                range: lines.range(occurrence.span),
            })
            .collect();
        Ok(Some(locations))
    }

    fn completion(&self, params: CompletionParams) -> Answer<Option<CompletionResponse>> {
        let Some((document, _, offset)) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        let names = &document.names;
        let items = names
            .completions(&document.text, offset)
            .into_iter()
            .filter_map(|completion| match completion {
                tfop::symbols::Completion::Symbol(id) => {
                    let symbol = names.symbol(id)?;
                    Some(CompletionItem {
                        label: symbol.name.clone(),
                        kind: Some(completion_kind(symbol.kind)),
                        detail: Some(symbol.signature.clone()),
                        documentation: symbol.title.clone().map(lsp_types::Documentation::String),
                        ..CompletionItem::default()
                    })
                }
                tfop::symbols::Completion::Word { setting, word } => Some(CompletionItem {
                    label: word.to_string(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: names.symbol(setting).map(|symbol| symbol.signature.clone()),
                    ..CompletionItem::default()
                }),
                tfop::symbols::Completion::Value { field, word } => Some(CompletionItem {
                    label: word.to_string(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: names.symbol(field).map(|symbol| symbol.signature.clone()),
                    ..CompletionItem::default()
                }),
                tfop::symbols::Completion::Keyword(word) => Some(CompletionItem {
                    label: word.to_string(),
                    kind: Some(CompletionItemKind::KEYWORD),
                    ..CompletionItem::default()
                }),
                tfop::symbols::Completion::Framework { word, about } => Some(CompletionItem {
                    label: word.to_string(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: Some(format!("framework {word}")),
                    documentation: Some(lsp_types::Documentation::String(about.to_string())),
                    ..CompletionItem::default()
                }),
                tfop::symbols::Completion::Headline { id, name } => Some(CompletionItem {
                    label: id.to_string(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: Some(format!("headline outcome: {name}")),
                    ..CompletionItem::default()
                }),
            })
            .collect();
        Ok(Some(CompletionResponse::Array(items)))
    }

    /// The whole document in canonical form as one edit; no edit when it
    /// is canonical already or does not parse (its diagnostics say why).
    fn formatting(&self, params: DocumentFormattingParams) -> Answer<Option<Vec<TextEdit>>> {
        let Some(document) = self.documents.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let formatted = match tfop::fmt::format_source(&document.text) {
            Ok(formatted) => formatted,
            Err(tfop::fmt::FormatError::Syntax(_)) => return Ok(None),
            Err(error) => return Err((ErrorCode::InternalError, error.to_string())),
        };
        if formatted == document.text {
            return Ok(Some(Vec::new()));
        }
        let lines = Lines::new(&document.text);
        let whole = lines.range(Span::new(0, document.text.len()));
        Ok(Some(vec![TextEdit {
            range: whole,
            new_text: formatted,
        }]))
    }

    /// Every block over more than one line. A block that ends with `}`
    /// folds up to the line before it, so the brace stays in sight.
    fn folding(&self, params: FoldingRangeParams) -> Answer<Option<Vec<FoldingRange>>> {
        let Some(document) = self.documents.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(index) = &document.index else {
            return Ok(None);
        };
        let lines = Lines::new(&document.text);
        let mut ranges: Vec<FoldingRange> = index
            .blocks()
            .iter()
            .filter_map(|block| {
                let start_line = lines.position(block.start as usize).line;
                let mut end_line = lines.position(block.end as usize).line;
                let closing = (block.end as usize)
                    .checked_sub(1)
                    .and_then(|last| document.text.get(last..block.end as usize));
                if closing == Some("}") {
                    end_line = end_line.saturating_sub(1);
                }
                (end_line > start_line).then_some(FoldingRange {
                    start_line,
                    end_line,
                    ..FoldingRange::default()
                })
            })
            .collect();
        ranges.sort_by_key(|range| (range.start_line, range.end_line));
        Ok(Some(ranges))
    }
}

/// A diagnostic as the protocol has it: the code, the severity, the message
/// with its help, and each label as related information.
fn to_lsp_diagnostic(diagnostic: &tfop::Diagnostic, uri: &Uri, lines: &Lines<'_>) -> Diagnostic {
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.range(label.span),
            },
            message: label.message.clone(),
        })
        .collect();
    Diagnostic {
        range: lines.visible_range(diagnostic.span),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some("tfop".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// What a hover shows: the declaration, then what the name is.
fn describe(symbol: &Symbol) -> String {
    let national = symbol.declaration.is_none();
    let what = match symbol.kind {
        SymbolKind::EventKind if national => "event kind of the national vocabulary".to_string(),
        SymbolKind::EventKind => "event kind declared in this plan".to_string(),
        SymbolKind::Field => {
            let of = symbol.container.as_deref().unwrap_or("");
            let whose = if national {
                " (national vocabulary)"
            } else {
                ""
            };
            format!("field of `{of}`{whose}")
        }
        SymbolKind::Define => "define".to_string(),
        SymbolKind::Problem => "problem".to_string(),
        SymbolKind::Indicator => format!(
            "indicator of problem `{}`",
            symbol.container.as_deref().unwrap_or("")
        ),
        SymbolKind::Claim => "claim".to_string(),
        SymbolKind::Setting => "setting".to_string(),
        SymbolKind::MemberAttribute if national => {
            "member attribute of the national vocabulary".to_string()
        }
        SymbolKind::MemberAttribute => "member attribute declared in this plan".to_string(),
    };
    let title = symbol
        .title
        .as_deref()
        .map(|title| format!(": {title}"))
        .unwrap_or_default();
    format!("```tfop\n{}\n```\n{what}{title}", symbol.signature)
}

fn completion_kind(kind: SymbolKind) -> CompletionItemKind {
    match kind {
        SymbolKind::EventKind => CompletionItemKind::EVENT,
        SymbolKind::Field => CompletionItemKind::FIELD,
        SymbolKind::Define => CompletionItemKind::VARIABLE,
        SymbolKind::Problem => CompletionItemKind::MODULE,
        SymbolKind::Indicator => CompletionItemKind::PROPERTY,
        SymbolKind::Claim => CompletionItemKind::CONSTANT,
        SymbolKind::Setting => CompletionItemKind::PROPERTY,
        SymbolKind::MemberAttribute => CompletionItemKind::FIELD,
    }
}

/// Converts between byte offsets of a text and the protocol's positions:
/// a 0-based line (lines end at `\n`) and UTF-16 code units within it.
struct Lines<'a> {
    text: &'a str,
    /// The byte offset each line starts at.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Lines { text, starts }
    }

    fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = self.text.get(start..offset).map_or(0, |before| {
            before.chars().map(char::len_utf16).sum::<usize>()
        });
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a position; past the end of its line, the line's
    /// end; past the last line, the end of the text.
    fn offset(&self, position: Position) -> usize {
        let Some(start) = self.starts.get(position.line as usize).copied() else {
            return self.text.len();
        };
        let line = self.text.get(start..).unwrap_or("");
        let line = line.split('\n').next().unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start as usize),
            end: self.position(span.end as usize),
        }
    }

    /// A diagnostic's range: its span, or, for a diagnostic about the
    /// whole plan (its eligibility rule or header missing, which has no
    /// place and an empty span at the start), the whole first line, which
    /// an editor underlines where it would show an empty range at 1:1 as
    /// nothing at all.
    fn visible_range(&self, span: Span) -> Range {
        if span.end != 0 {
            return self.range(span);
        }
        let first = self.text.split('\n').next().unwrap_or("");
        let first = first.strip_suffix('\r').unwrap_or(first);
        self.range(Span::new(0, first.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;
    use lsp_types::Position;

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn positions_count_utf16_units_after_a_pound_sign_and_beyond_the_basic_plane() {
        // `£` is two bytes and one UTF-16 unit; `𝄞` is four bytes and two.
        let text = "plan\nclaim c \"£𝄞\" pays £800 {\r\n}";
        let lines = Lines::new(text);
        let pays = text.find("pays").unwrap();
        assert_eq!(lines.position(pays), at(1, 14));
        assert_eq!(lines.offset(at(1, 14)), pays);
        let money = text.rfind('£').unwrap();
        assert_eq!(lines.position(money + 2), at(1, 20));
        assert_eq!(lines.offset(at(1, 20)), money + 2);
        assert_eq!(lines.position(text.len()), at(2, 1));
    }

    #[test]
    fn a_position_past_its_line_is_the_line_end_and_past_the_text_its_end() {
        let text = "ab\r\ncd";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(at(0, 9)), 2);
        assert_eq!(lines.offset(at(1, 1)), 5);
        assert_eq!(lines.offset(at(5, 0)), text.len());
        // A byte inside a character is taken as the character's start.
        assert_eq!(Lines::new("£").position(1), at(0, 0));
    }
}
