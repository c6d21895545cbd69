//! Checking a flow before it is saved: every mistake, each named by step and field.

use std::collections::{BTreeMap, BTreeSet};

use crate::hours::{parse_date, parse_hhmm, time_zone};
use crate::{Builtin, BusinessHours, Flow, FlowError, FlowWarning, Menu, Problem, Prompt, Step};

/// The DTMF keys a menu option can be bound to.
const DTMF_KEYS: &str = "0123456789*#";

/// A step's way to another step.
struct Edge<'a> {
    /// The field holding the target, as written in [`FlowError::field`].
    field: String,
    /// The step it leads to.
    target: &'a str,
    /// Taken only when the caller presses a key (menu options); the others are taken by
    /// themselves, so a loop of them never ends.
    needs_caller: bool,
}

/// The steps `step` can lead to, in field order.
fn edges(step: &Step) -> Vec<Edge<'_>> {
    let by_itself = |field: &str, target| Edge {
        field: field.to_owned(),
        target,
        needs_caller: false,
    };
    match step {
        Step::Play(play) => vec![by_itself("next", &play.next)],
        Step::Menu(menu) => {
            let mut out: Vec<Edge<'_>> = menu
                .options
                .iter()
                .map(|(key, target)| Edge {
                    field: format!("options.{key}"),
                    target,
                    needs_caller: true,
                })
                .collect();
            out.extend(menu.on_fail.as_deref().map(|t| by_itself("on_fail", t)));
            out
        }
        Step::BusinessHours(hours) => vec![
            by_itself("open", &hours.open),
            by_itself("closed", &hours.closed),
        ],
        Step::Queue { .. } | Step::Agent { .. } | Step::External { .. } | Step::Hangup { .. } => {
            Vec::new()
        }
    }
}

impl Flow {
    /// Checks the whole flow and returns every mistake found, in step order.
    ///
    /// A flow that passes can be run by [`crate::Ivr`] without it ever hitting a broken step.
    pub fn validate(&self) -> Result<(), Vec<FlowError>> {
        let mut errors = Vec::new();
        if !self.steps.contains_key(&self.start) {
            let target = self.start.clone();
            errors.push(FlowError::in_flow("start", Problem::MissingStep { target }));
        }
        for (id, step) in &self.steps {
            let mut report = |field: &str, problem| {
                errors.push(FlowError::in_step(id.as_str(), field, problem));
            };
            check_step(step, &mut report);
            for edge in edges(step) {
                if !self.steps.contains_key(edge.target) {
                    let target = edge.target.to_owned();
                    report(&edge.field, Problem::MissingStep { target });
                }
            }
        }
        errors.extend(self.loops());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Every uploaded prompt (`{"file": ID}`) the flow plays: step id, field and prompt id, in
    /// step order.
    pub fn files(&self) -> Vec<(&str, &'static str, i64)> {
        let mut out = Vec::new();
        for (id, step) in &self.steps {
            let prompts: [(&'static str, Option<&Prompt>); 2] = match step {
                Step::Play(play) => [("prompt", Some(&play.prompt)), ("", None)],
                Step::Menu(menu) => [
                    ("prompt", Some(&menu.prompt)),
                    ("invalid_prompt", menu.invalid_prompt.as_ref()),
                ],
                Step::Hangup { prompt } => [("prompt", prompt.as_ref()), ("", None)],
                Step::BusinessHours(_)
                | Step::Queue { .. }
                | Step::Agent { .. }
                | Step::External { .. } => [("", None), ("", None)],
            };
            for (field, prompt) in prompts {
                if let Some(Prompt::File(file)) = prompt {
                    out.push((id.as_str(), field, *file));
                }
            }
        }
        out
    }

    /// Checks the flow's uploaded prompts against what the enterprise has: one
    /// [`Problem::UnknownFile`] for each `{"file": ID}` that `exists` refuses.
    pub fn check_files(&self, exists: impl Fn(i64) -> bool) -> Vec<FlowError> {
        self.files()
            .into_iter()
            .filter(|(_, _, id)| !exists(*id))
            .map(|(step, field, id)| FlowError::in_step(step, field, Problem::UnknownFile { id }))
            .collect()
    }

    /// What is legal but probably a slip: steps no path reaches, hours that never open.
    pub fn warnings(&self) -> Vec<FlowWarning> {
        let mut reached = BTreeSet::new();
        let mut todo = vec![self.start.as_str()];
        while let Some(id) = todo.pop() {
            let Some(step) = self.steps.get(id) else {
                continue;
            };
            if reached.insert(id) {
                todo.extend(edges(step).into_iter().map(|e| e.target));
            }
        }
        let mut warnings = Vec::new();
        for (id, step) in &self.steps {
            if !reached.contains(id.as_str()) {
                warnings.push(FlowWarning::Unreachable { step: id.clone() });
            }
            if let Step::BusinessHours(hours) = step
                && hours.schedule.is_empty()
            {
                warnings.push(FlowWarning::AlwaysClosed { step: id.clone() });
            }
        }
        warnings
    }

    /// Loops of steps that go round by themselves: one error per loop found, at the step where
    /// the loop closes, naming its field that goes on round.
    fn loops(&self) -> Vec<FlowError> {
        // Depth-first search over the edges taken without the caller, iteratively (a flow
        // can be long).
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let auto_edges: BTreeMap<&str, Vec<Edge<'_>>> = self
            .steps
            .iter()
            .map(|(id, step)| {
                let out = edges(step)
                    .into_iter()
                    .filter(|e| !e.needs_caller && self.steps.contains_key(e.target))
                    .collect();
                (id.as_str(), out)
            })
            .collect();
        let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
        let mut errors = Vec::new();
        for root in auto_edges.keys().copied() {
            if marks.contains_key(root) {
                continue;
            }
            // The current path: (step, index of the next edge to follow).
            let mut path: Vec<(&str, usize)> = vec![(root, 0)];
            marks.insert(root, Mark::Open);
            while let Some(&mut (id, ref mut next)) = path.last_mut() {
                let out = auto_edges.get(id).map(Vec::as_slice).unwrap_or_default();
                let Some(edge) = out.get(*next) else {
                    marks.insert(id, Mark::Done);
                    path.pop();
                    continue;
                };
                *next += 1;
                match marks.get(edge.target) {
                    None => {
                        marks.insert(edge.target, Mark::Open);
                        path.push((edge.target, 0));
                    }
                    Some(Mark::Open) => errors.push(loop_error(&path, &auto_edges, edge.target)),
                    Some(Mark::Done) => {}
                }
            }
        }
        errors
    }
}

/// The error for the loop that `path` closes by coming back to `to`.
fn loop_error(
    path: &[(&str, usize)],
    edges: &BTreeMap<&str, Vec<Edge<'_>>>,
    to: &str,
) -> FlowError {
    let from = path
        .iter()
        .position(|(id, _)| *id == to)
        .unwrap_or_default();
    let mut ids: Vec<String> = path[from..]
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .collect();
    ids.push(to.to_owned());
    // The loop's first step goes on round by the edge it followed last (index - 1).
    let (first, taken) = path[from];
    let field = edges
        .get(first)
        .and_then(|out| out.get(taken.saturating_sub(1)))
        .map(|e| e.field.clone())
        .unwrap_or_default();
    FlowError::in_step(first, field, Problem::Loop { path: ids })
}

/// The checks that need only the step itself.
fn check_step(step: &Step, report: &mut impl FnMut(&str, Problem)) {
    match step {
        Step::Play(play) => check_prompt(&play.prompt, "prompt", report),
        Step::Menu(menu) => check_menu(menu, report),
        Step::BusinessHours(hours) => check_hours(hours, report),
        Step::External { number } => {
            if !dialable(number) {
                report("number", Problem::BadNumber);
            }
        }
        Step::Hangup { prompt } => {
            if let Some(prompt) = prompt {
                check_prompt(prompt, "prompt", report);
            }
        }
        Step::Queue { .. } | Step::Agent { .. } => {}
    }
}

fn check_prompt(prompt: &Prompt, field: &str, report: &mut impl FnMut(&str, Problem)) {
    match prompt {
        Prompt::Builtin(name) => {
            if name.parse::<Builtin>().is_err() {
                let name = name.clone();
                report(field, Problem::UnknownBuiltin { name });
            }
        }
        Prompt::File(_) => {}
    }
}

fn check_menu(menu: &Menu, report: &mut impl FnMut(&str, Problem)) {
    check_prompt(&menu.prompt, "prompt", report);
    if let Some(prompt) = &menu.invalid_prompt {
        check_prompt(prompt, "invalid_prompt", report);
    }
    if menu.options.is_empty() {
        report("options", Problem::NoOptions);
    }
    for key in menu.options.keys() {
        let mut chars = key.chars();
        let one_key =
            matches!((chars.next(), chars.next()), (Some(c), None) if DTMF_KEYS.contains(c));
        if !one_key {
            let key = key.clone();
            report(&format!("options.{key}"), Problem::BadDigit { key });
        }
    }
    if menu.timeout_ms == 0 {
        report("timeout_ms", Problem::ZeroTimeout);
    }
}

fn check_hours(hours: &BusinessHours, report: &mut impl FnMut(&str, Problem)) {
    if time_zone(&hours.time_zone).is_none() {
        let zone = hours.time_zone.clone();
        report("time_zone", Problem::UnknownTimeZone { zone });
    }
    for (i, entry) in hours.schedule.iter().enumerate() {
        let days = format!("schedule[{i}].days");
        if entry.days.is_empty() {
            report(&days, Problem::NoDays);
        }
        for &day in &entry.days {
            if !(1..=7).contains(&day) {
                report(&days, Problem::BadWeekday { day });
            }
        }
        let mut time = |field: &str, value: &String| {
            let parsed = parse_hhmm(value);
            if parsed.is_none() {
                let value = value.clone();
                report(
                    &format!("schedule[{i}].{field}"),
                    Problem::BadTime { value },
                );
            }
            parsed
        };
        let (open, close) = (time("open", &entry.open), time("close", &entry.close));
        if let (Some(open), Some(close)) = (open, close)
            && open >= close
        {
            report(
                &format!("schedule[{i}]"),
                Problem::OpenNotBeforeClose {
                    open: entry.open.clone(),
                    close: entry.close.clone(),
                },
            );
        }
    }
    for (i, holiday) in hours.holidays.iter().enumerate() {
        if parse_date(holiday).is_none() {
            let value = holiday.clone();
            report(&format!("holidays[{i}]"), Problem::BadDate { value });
        }
    }
}

/// Whether `n` is a number a trunk can dial: an optional `+`, then 3 to 32 digits, `*` or `#`.
/// Nothing but a user part can reach an INVITE this way (no spaces, CR/LF, `@` or `;`).
pub fn dialable(n: &str) -> bool {
    let digits = n.strip_prefix('+').unwrap_or(n);
    (3..=32).contains(&digits.len())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}
