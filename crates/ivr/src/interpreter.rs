//! One call's walk through a flow: inputs in, actions out.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::hours::is_open;
use crate::{Builtin, Flow, FlowError, Menu, Millis, Problem, Prompt, Step};

/// What happens on the call that the IVR must know of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The prompt of the last [`Action::Play`] has played to its end. Not reported for a prompt
    /// stopped by [`Action::StopPrompt`].
    PromptFinished,
    /// The caller pressed a DTMF key (`0`–`9`, `*`, `#`, `A`–`D`).
    Digit(char),
    /// The caller hung up: the IVR finishes without another action.
    CallerHungUp,
}

/// What the IVR asks of the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Play this prompt to the caller and report [`Input::PromptFinished`] at its end.
    Play(Prompt),
    /// Stop the prompt playing now (the caller barged in on a menu); no `PromptFinished` follows.
    StopPrompt,
    /// Hand the call over; the IVR is finished.
    Route(Target),
    /// Hang up the call (any goodbye prompt has already finished); the IVR is finished.
    Hangup,
}

/// Where a call is routed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A skill group's queue, by id.
    Group(i64),
    /// An agent, by user id.
    Agent(i64),
    /// An external number, through a trunk.
    External(String),
}

/// Where the call is in the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// A `play` step's prompt is playing; digits are ignored.
    Playing { step: String },
    /// A menu's prompt is playing; a digit barges in.
    MenuPrompt { step: String, failures: u32 },
    /// A menu's prompt has finished; waiting for a digit until `deadline`.
    MenuWaiting {
        step: String,
        failures: u32,
        deadline: Millis,
    },
    /// The invalid-input prompt is playing; then the menu plays again, or gives up if the
    /// failures exceed its retries. Digits are ignored.
    MenuInvalid { step: String, failures: u32 },
    /// A last prompt is playing; then hang up. Digits are ignored.
    Goodbye,
    /// Routed, hung up or abandoned: nothing more to do.
    Finished,
}

/// The IVR of one call: a pure state machine over a shared [`Flow`].
///
/// Drive it with [`Ivr::handle`] and [`Ivr::handle_timeout`], then drain [`Ivr::poll_action`]
/// until `None` and wake it at [`Ivr::poll_timeout`]. [`Ivr::new`] already enters the start
/// step, so drain right after it too.
///
/// It never panics on a flow that did not pass [`Flow::validate`]: a broken step (a missing
/// target, an unreadable schedule, steps that loop by themselves) ends the call with the
/// `goodbye` prompt and [`Action::Hangup`], and [`Ivr::fault`] tells what was wrong.
#[derive(Debug)]
pub struct Ivr {
    /// The flow being run; shared by every call on the same number.
    flow: Arc<Flow>,
    /// Where the call is.
    state: State,
    /// Actions not yet drained.
    actions: VecDeque<Action>,
    /// The mistake in the flow that ended the call, if one did.
    fault: Option<FlowError>,
}

impl Ivr {
    /// Starts a call at the flow's start step.
    pub fn new(flow: Arc<Flow>, now: Millis) -> Ivr {
        let start = flow.start.clone();
        let mut ivr = Ivr {
            flow,
            state: State::Finished,
            actions: VecDeque::new(),
            fault: None,
        };
        ivr.go(now, None, "start", start);
        ivr
    }

    /// Feeds what happened on the call at `now`. Ignored once [`Ivr::finished`].
    pub fn handle(&mut self, now: Millis, input: Input) {
        if self.finished() {
            return;
        }
        match input {
            Input::CallerHungUp => {
                self.actions.clear();
                self.state = State::Finished;
            }
            Input::PromptFinished => self.prompt_finished(now),
            Input::Digit(digit) => self.digit(now, digit),
        }
    }

    /// Wakes the IVR at or after the deadline of [`Ivr::poll_timeout`]; earlier does nothing.
    pub fn handle_timeout(&mut self, now: Millis) {
        if let State::MenuWaiting {
            step,
            failures,
            deadline,
        } = &self.state
            && now >= *deadline
        {
            let (step, failures) = (step.clone(), failures + 1);
            self.menu_again(now, step, failures);
        }
    }

    /// The next action for the engine, oldest first.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When [`Ivr::handle_timeout`] wants to be called (unix ms), if at all.
    pub fn poll_timeout(&self) -> Option<Millis> {
        match self.state {
            State::MenuWaiting { deadline, .. } => Some(deadline),
            _ => None,
        }
    }

    /// Whether the call has left the IVR (routed, hung up, or the caller hung up).
    pub fn finished(&self) -> bool {
        self.state == State::Finished
    }

    /// The id of the step the call is in, while it is in a `play` or `menu` step.
    pub fn current_step(&self) -> Option<&str> {
        match &self.state {
            State::Playing { step }
            | State::MenuPrompt { step, .. }
            | State::MenuWaiting { step, .. }
            | State::MenuInvalid { step, .. } => Some(step),
            State::Goodbye | State::Finished => None,
        }
    }

    /// The mistake in the flow that made the IVR hang up, if one did.
    pub fn fault(&self) -> Option<&FlowError> {
        self.fault.as_ref()
    }

    fn prompt_finished(&mut self, now: Millis) {
        let flow = Arc::clone(&self.flow);
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Playing { step } => match flow.steps.get(&step) {
                Some(Step::Play(play)) => self.go(now, Some(&step), "next", play.next.clone()),
                _ => self.not_found(&step),
            },
            State::MenuPrompt { step, failures } => match menu_of(&flow, &step) {
                Some(menu) => {
                    let deadline = now.saturating_add(i64::from(menu.timeout_ms));
                    self.state = State::MenuWaiting {
                        step,
                        failures,
                        deadline,
                    };
                }
                None => self.not_found(&step),
            },
            State::MenuInvalid { step, failures } => self.menu_again(now, step, failures),
            State::Goodbye => self.actions.push_back(Action::Hangup),
            // A stray report (no prompt of ours is playing): nothing changes.
            state @ (State::MenuWaiting { .. } | State::Finished) => self.state = state,
        }
    }

    fn digit(&mut self, now: Millis, digit: char) {
        let (step, failures) = match &self.state {
            State::MenuPrompt { step, failures } => {
                self.actions.push_back(Action::StopPrompt);
                (step.clone(), *failures)
            }
            State::MenuWaiting { step, failures, .. } => (step.clone(), *failures),
            State::Playing { .. }
            | State::MenuInvalid { .. }
            | State::Goodbye
            | State::Finished => {
                return;
            }
        };
        let flow = Arc::clone(&self.flow);
        let Some(menu) = menu_of(&flow, &step) else {
            return self.not_found(&step);
        };
        let key = digit.to_string();
        if let Some(target) = menu.options.get(&key) {
            let field = format!("options.{key}");
            return self.go(now, Some(&step), &field, target.clone());
        }
        let prompt = menu
            .invalid_prompt
            .clone()
            .unwrap_or_else(|| Prompt::builtin(Builtin::InvalidInput));
        self.actions.push_back(Action::Play(prompt));
        self.state = State::MenuInvalid {
            step,
            failures: failures + 1,
        };
    }

    /// After the `failures`-th timeout or invalid digit: replay the menu, or give up.
    fn menu_again(&mut self, now: Millis, step: String, failures: u32) {
        let flow = Arc::clone(&self.flow);
        let Some(menu) = menu_of(&flow, &step) else {
            return self.not_found(&step);
        };
        if failures <= menu.retries {
            self.actions.push_back(Action::Play(menu.prompt.clone()));
            self.state = State::MenuPrompt { step, failures };
        } else if let Some(on_fail) = &menu.on_fail {
            self.go(now, Some(&step), "on_fail", on_fail.clone());
        } else {
            self.goodbye();
        }
    }

    /// Enters step `target`, reached from `from`'s `field`, and goes on through steps that
    /// need nothing (business hours) until one plays, routes or hangs up.
    fn go(&mut self, now: Millis, from: Option<&str>, field: &str, target: String) {
        let flow = Arc::clone(&self.flow);
        let mut from = (from.map(str::to_owned), field.to_owned());
        let mut id = target;
        // The business-hours steps passed on the way, with the branch each took.
        let mut passed: Vec<(String, &'static str)> = Vec::new();
        loop {
            let Some(step) = flow.steps.get(&id) else {
                let error = FlowError {
                    step: from.0,
                    field: from.1,
                    problem: Problem::MissingStep { target: id },
                };
                return self.give_up(error);
            };
            if let Some(at) = passed.iter().position(|(p, _)| *p == id) {
                let (first, field) = passed[at].clone();
                let mut path: Vec<String> = passed.drain(at..).map(|(p, _)| p).collect();
                path.push(id);
                return self.give_up(FlowError::in_step(first, field, Problem::Loop { path }));
            }
            match step {
                Step::Play(play) => {
                    self.actions.push_back(Action::Play(play.prompt.clone()));
                    self.state = State::Playing { step: id };
                }
                Step::Menu(menu) => {
                    self.actions.push_back(Action::Play(menu.prompt.clone()));
                    self.state = State::MenuPrompt {
                        step: id,
                        failures: 0,
                    };
                }
                Step::BusinessHours(hours) => match is_open(hours, now) {
                    Ok(open) => {
                        let (field, next) = if open {
                            ("open", &hours.open)
                        } else {
                            ("closed", &hours.closed)
                        };
                        passed.push((id.clone(), field));
                        from = (Some(id), field.to_owned());
                        id = next.clone();
                        continue;
                    }
                    Err((field, problem)) => return self.broken(&id, &field, problem),
                },
                Step::Queue { group_id } => self.route(Target::Group(*group_id)),
                Step::Agent { user_id } => self.route(Target::Agent(*user_id)),
                Step::External { number } => self.route(Target::External(number.clone())),
                Step::Hangup {
                    prompt: Some(prompt),
                } => {
                    self.actions.push_back(Action::Play(prompt.clone()));
                    self.state = State::Goodbye;
                }
                Step::Hangup { prompt: None } => {
                    self.actions.push_back(Action::Hangup);
                    self.state = State::Finished;
                }
            }
            return;
        }
    }

    fn route(&mut self, target: Target) {
        self.actions.push_back(Action::Route(target));
        self.state = State::Finished;
    }

    fn goodbye(&mut self) {
        self.actions
            .push_back(Action::Play(Prompt::builtin(Builtin::Goodbye)));
        self.state = State::Goodbye;
    }

    /// The step the state names is gone or of another kind: only possible if the flow was
    /// swapped under the call, which the `Arc` rules out; still, never panic.
    fn not_found(&mut self, step: &str) {
        let target = step.to_owned();
        self.give_up(FlowError::in_flow("steps", Problem::MissingStep { target }));
    }

    fn broken(&mut self, step: &str, field: &str, problem: Problem) {
        self.give_up(FlowError::in_step(step, field, problem));
    }

    /// The flow is broken here: say goodbye and hang up, keeping the error for the engine.
    fn give_up(&mut self, error: FlowError) {
        self.fault = Some(error);
        self.goodbye();
    }
}

/// The menu step `step` of `flow`.
fn menu_of<'f>(flow: &'f Flow, step: &str) -> Option<&'f Menu> {
    match flow.steps.get(step) {
        Some(Step::Menu(menu)) => Some(menu),
        _ => None,
    }
}
