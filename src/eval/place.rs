//! Witness placement: the source span a witness stands for, and narrowing a regex witness to
//! the matched text. (Choosing a finding's primary and related labels among witnesses is
//! [`crate::engine`]'s `labels` module.)

use crate::source::Span;

use super::{Ctx, Subject, Witness, WitnessAt};

impl Ctx<'_> {
    /// The source span a witness stands for. Raw spans (whole policy documents) are cut to their
    /// first line: the label says which document, the snippet stays short.
    pub fn span_of(&self, at: &WitnessAt) -> Span {
        match at {
            WitnessAt::Span(s) => {
                // The whole line the document starts on, from its first non-blank character:
                // `policy = jsonencode({` or `data "aws_iam_policy_document" "x" {`.
                let text = &self.sources.get(s.file).text;
                let Some(before) = text.get(..s.start) else {
                    return *s;
                };
                let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
                let start = line_start
                    + (before.len() - line_start - before[line_start..].trim_start().len());
                let end = text[s.start..]
                    .find('\n')
                    .map(|i| s.start + i)
                    .unwrap_or(text.len());
                let end = start + text[start..end].trim_end().len();
                Span {
                    file: s.file,
                    start,
                    end: end.max(start),
                }
            }
            WitnessAt::Exact(_, _, s) => *s,
            WitnessAt::Route(s, route) => self.span_of_route(*s, route),
        }
    }

    /// The span of the value at `route` in subject `s` (what a [`WitnessAt::Route`] witness
    /// points at), without building the witness.
    pub fn span_of_route(&self, s: Subject, route: &[crate::value::Seg]) -> Span {
        match s {
            Subject::Node(id) => self.graph.node(id).span_at(route),
            Subject::Statement { doc, stmt } => {
                let d = &self.policies[doc];
                let st = &d.statements()[stmt];
                st.span_at(route)
                    .unwrap_or_else(|| self.graph.node(d.owner).span_at(&d.route))
            }
        }
    }

    /// Points a witness of a regex test at the matched text when the string is written as is in
    /// the source (`${{ github.event.pull_request.title }}` inside a long `run:`), so the label
    /// names the culprit rather than the whole value.
    pub fn narrow_to_match(&self, w: &mut Witness, regex: &regex::Regex) {
        let WitnessAt::Route(subject, route) = &w.at else {
            return;
        };
        let Some(value) = self.root(*subject).at(route) else {
            return;
        };
        let (Some(text), Some(span)) = (value.as_str(), value.span) else {
            return;
        };
        let Some(m) = regex.find(text) else {
            return;
        };
        // A match from the start describes the whole value (`^owner/repo@`); only a match
        // inside the string names a culprit worth pointing at.
        if m.start() == 0 {
            return;
        }
        let source = self.sources.get(span.file).slice(span);
        let found: Vec<usize> = source.match_indices(m.as_str()).map(|(i, _)| i).collect();
        if let [at] = found.as_slice() {
            let start = span.start + at;
            w.at = WitnessAt::Exact(
                *subject,
                route.clone(),
                Span {
                    file: span.file,
                    start,
                    end: start + m.len(),
                },
            );
            w.message = format!("`{}`", m.as_str());
        }
    }
}
