//! The gate of a plan: approvals counted against the plan's fingerprint, soak time, windows.
//!
//! A gate of environment E judges a sync into E and, for production, a publish. It never changes
//! `authorize`. The library has no clock: `now` and `sourceSince` come in the request.

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::gates::instant::{format_rfc3339, Timestamp};
use crate::gates::{format_duration, tzdb_version, Instant};
use crate::input::take_environment;
use crate::input::{into_object, into_string, reject_unknown, take_optional, take_required};
use crate::issue::{Findings, IssueCode};
use crate::pointer::{child, index};
use crate::policy::Actor;
use crate::rules::PromotionRules;
use crate::value::{Map, Value};

/// The fields of a sync or publish request that gates read.
pub const GATE_FIELDS: [&str; 3] = ["approvals", "now", "sourceSince"];

/// An approval's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The reviewer approves the plan.
    Approve,
    /// The reviewer rejects it.
    Reject,
}

/// A review of a plan by someone other than its actor, bound to what the plan promotes.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    /// Who reviewed.
    pub actor: Actor,
    /// The gated environment the review is for.
    pub environment: Environment,
    /// The plan's `fingerprint` the reviewer saw.
    pub fingerprint: String,
    /// Approve or reject.
    pub decision: Verdict,
    /// When (informative).
    pub at: Option<Instant>,
    /// Why (informative; a rejection repeats it).
    pub comment: Option<String>,
}

/// The gate fields of a request: `approvals`, `now`, `sourceSince`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateFields {
    /// The reviews given so far, oldest first: an actor's last entry stands.
    pub approvals: Vec<Approval>,
    /// The current instant, from the host's clock.
    pub now: Option<Instant>,
    /// When the source environment received its current content.
    pub source_since: Option<Instant>,
}

impl GateFields {
    /// Removes and reads the gate fields of a request object.
    pub(crate) fn take(map: &mut Map) -> Result<GateFields> {
        let approvals = match take_optional(map, "approvals") {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut approvals = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    approvals.push(read_approval(item, &index("/approvals", i))?);
                }
                approvals
            }
            Some(other) => {
                return Err(Error::invalid_input(
                    "/approvals",
                    format!("Expected a list of approvals, found {}.", crate::input::type_name(&other)),
                ))
            }
        };
        let now = take_optional(map, "now").map(|v| read_instant(v, "/now")).transpose()?;
        let source_since = take_optional(map, "sourceSince").map(|v| read_instant(v, "/sourceSince")).transpose()?;
        Ok(GateFields { approvals, now, source_since })
    }
}

fn read_instant(value: Value, path: &str) -> Result<Instant> {
    let text = into_string(value, path, "an RFC 3339 instant")?;
    Instant::parse(&text).ok_or_else(|| {
        Error::invalid_input(
            path,
            format!("\"{text}\" is not an RFC 3339 instant with an offset; write it as 2026-11-26T09:00:00+01:00."),
        )
    })
}

fn read_approval(value: Value, path: &str) -> Result<Approval> {
    let mut map = into_object(value, path, "an approval")?;
    reject_unknown(&map, &["actor", "environment", "fingerprint", "decision", "at", "comment"], path, "An approval")?;
    let actor = Actor::take(&mut map, path, "The approver (actor)")?;
    let environment = take_environment(&mut map, "environment", path, "The approved environment")?;
    let fingerprint = into_string(
        take_required(&mut map, "fingerprint", path, "The fingerprint of the reviewed plan")?,
        &child(path, "fingerprint"),
        "the plan's fingerprint",
    )?;
    let decision_path = child(path, "decision");
    let decision = match into_string(
        take_required(&mut map, "decision", path, "The decision")?,
        &decision_path,
        "\"approve\" or \"reject\"",
    )?
    .as_str()
    {
        "approve" => Verdict::Approve,
        "reject" => Verdict::Reject,
        other => {
            return Err(Error::invalid_input(
                decision_path,
                format!("\"{other}\" is not a decision; use \"approve\" or \"reject\"."),
            ))
        }
    };
    let at = take_optional(&mut map, "at").map(|v| read_instant(v, &child(path, "at"))).transpose()?;
    let comment =
        take_optional(&mut map, "comment").map(|v| into_string(v, &child(path, "comment"), "a comment")).transpose()?;
    Ok(Approval { actor, environment, fingerprint, decision, at, comment })
}

/// An item the plan adds or modifies, and who edited it last: its author may not approve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authored {
    /// `kind/id`.
    pub label: String,
    /// Its `updatedBy`.
    pub by: String,
}

/// What a gate judges: one plan.
pub(crate) struct GatedPlan<'a> {
    /// The gated environment (the target of a sync; production for a publish).
    pub environment: Environment,
    /// The plan's `fingerprint`: what approvals must carry.
    pub fingerprint: &'a str,
    /// The acting actor.
    pub actor: &'a Actor,
    /// The authors of what the plan adds or modifies.
    pub authors: &'a [Authored],
    /// Whether `minSoak` applies (syncs only).
    pub soaks: bool,
    /// Whether this is a declared hotfix publish.
    pub hotfix: bool,
}

/// The `gates` member of a plan: what the gate of the environment requires and what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateAnswer {
    /// The gated environment.
    pub environment: Environment,
    /// The approval quorum and who counted.
    pub approvals: Option<ApprovalsAnswer>,
    /// The soak time (syncs only).
    pub soak: Option<SoakAnswer>,
    /// The promotion windows at `now`.
    pub window: Option<WindowAnswer>,
    /// The version of the time-zone database used, whenever `window` is present.
    pub tzdb: Option<String>,
}

/// The approvals of a gate against one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalsAnswer {
    /// How many counted approvals the gate needs.
    pub required: u32,
    /// The roles whose holders may approve.
    pub roles: Vec<String>,
    /// The actors whose approval counts, in the order of their standing entries.
    pub counted: Vec<String>,
    /// How many more counted approvals are needed (0 when the quorum is reached).
    pub missing: u32,
    /// The actors whose counted review is a rejection.
    pub rejected: Vec<String>,
    /// The actors whose standing entry does not count, and why (the warning's code).
    pub not_counted: Vec<UncountedApproval>,
}

/// An approval that does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncountedApproval {
    /// The approver's id.
    pub actor: String,
    /// `STALE_APPROVAL`, `INELIGIBLE_APPROVER` or `SELF_APPROVAL`.
    pub code: IssueCode,
}

/// The soak time of a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoakAnswer {
    /// The soak time, normalised (`PT24H`).
    pub required: String,
    /// When the source received its content (`sourceSince`).
    pub since: String,
    /// When the soak time is over.
    pub met_at: String,
    /// Whether it is over at `now`.
    pub met: bool,
}

/// The promotion windows at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowAnswer {
    /// Whether promotions may happen at `now`.
    pub open: bool,
    /// The zone the windows are read in.
    pub time_zone: String,
    /// When closed: the first allowed instant at or after `now`, in the zone's offset; absent
    /// when no time is allowed within 400 days.
    pub next_allowed_at: Option<String>,
    /// When closed by a deny window that says why: its reason.
    pub reason: Option<String>,
    /// Whether a declared hotfix passed the closed window.
    pub bypassed: bool,
}

impl PromotionRules {
    /// Judges a plan against the gate of its environment: the `gates` answer (`None` when no
    /// gate applies), issues in `findings`. Bad input when the gate needs `now` or `sourceSince`
    /// and the request lacks it.
    pub(crate) fn check_gate(
        &self,
        plan: &GatedPlan<'_>,
        fields: &GateFields,
        findings: &mut Findings,
    ) -> Result<Option<GateAnswer>> {
        for (i, approval) in fields.approvals.iter().enumerate() {
            self.require_in_chain(approval.environment, &child(&index("/approvals", i), "environment"))?;
        }
        let env = plan.environment;
        let Some(gate) = self.policy().gates().get(env) else { return Ok(None) };
        let min_soak = gate.min_soak.filter(|_| plan.soaks);
        if gate.approvals.is_none() && min_soak.is_none() && gate.windows.is_none() {
            return Ok(None);
        }
        let now = match fields.now {
            Some(now) => Some(now),
            None if gate.windows.is_some() || min_soak.is_some() => {
                let what = if gate.windows.is_some() { "promotion windows" } else { "a soak time" };
                return Err(Error::invalid_input(
                    "/now",
                    format!("The gate of {env} has {what}, so the request needs now: the current instant as RFC 3339, e.g. 2026-11-26T09:00:00+01:00."),
                ));
            }
            None => None,
        };

        let approvals = gate.approvals.as_ref().map(|rule| count_approvals(plan, &fields.approvals, rule, findings));

        let soak = match (min_soak, now) {
            (Some(seconds), Some(now)) => {
                let since = fields.source_since.ok_or_else(|| {
                    Error::invalid_input(
                        "/sourceSince",
                        format!("The gate of {env} has a soak time, so the request needs sourceSince: when the source received its current content, as RFC 3339."),
                    )
                })?;
                let met_at = add_seconds(since.timestamp, seconds)?;
                let met = now.timestamp >= met_at;
                let required = format_duration(seconds);
                let met_at = format_rfc3339(met_at, since.offset);
                if !met {
                    findings.violation(
                        IssueCode::SoakNotMet,
                        format!(
                            "The source has held this content since {}, and {env} needs it to soak for {required} first; sync at {met_at} or later.",
                            since.to_rfc3339()
                        ),
                        Some("/sourceSince".into()),
                    );
                }
                Some(SoakAnswer { required, since: since.to_rfc3339(), met_at, met })
            }
            _ => None,
        };

        let window = match (&gate.windows, now) {
            (Some(windows), Some(now)) => {
                let state = windows.state(now.timestamp);
                let mut answer = WindowAnswer {
                    open: state.open,
                    time_zone: windows.time_zone.clone(),
                    next_allowed_at: None,
                    reason: state.reason.map(str::to_owned),
                    bypassed: false,
                };
                if !state.open {
                    let next = windows.next_allowed(now.timestamp).map(|t| windows.format(t));
                    let why = match state.reason {
                        Some(reason) => format!(" ({reason})"),
                        None => String::new(),
                    };
                    let local = windows.format(now.timestamp);
                    let zone = &windows.time_zone;
                    if plan.hotfix && gate.hotfix_bypasses_windows {
                        answer.bypassed = true;
                        findings.warning(
                            IssueCode::WindowBypassed,
                            format!("{env} is closed for promotions at {local} {zone}{why}, but a declared hotfix passes closed windows under this policy; recreate the fix in dev soon."),
                            Some("/hotfix".into()),
                        );
                    } else {
                        let when = match &next {
                            Some(next) => format!("the next allowed time is {next} {zone}"),
                            None => {
                                "no time is allowed in the next 400 days; change the windows of the policy".to_owned()
                            }
                        };
                        findings.violation(
                            IssueCode::OutsidePromotionWindow,
                            format!("{env} is closed for promotions at {local} {zone}{why}; {when}."),
                            Some("/now".into()),
                        );
                    }
                    answer.next_allowed_at = next;
                }
                Some(answer)
            }
            _ => None,
        };
        let tzdb = window.as_ref().map(|_| tzdb_version().to_owned());
        Ok(Some(GateAnswer { environment: env, approvals, soak, window, tzdb }))
    }
}

fn add_seconds(t: Timestamp, seconds: u64) -> Result<Timestamp> {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| t.plus_seconds(seconds))
        .ok_or_else(|| Error::invalid_input("/sourceSince", "sourceSince plus the soak time lies past year 9999."))
}

/// Counts the approvals of `rule` for the plan, exactly as SPEC §4 says.
fn count_approvals(
    plan: &GatedPlan<'_>,
    approvals: &[Approval],
    rule: &crate::gates::ApprovalRule,
    findings: &mut Findings,
) -> ApprovalsAnswer {
    let env = plan.environment;
    // One actor counts once: its last entry for this environment stands.
    let mut standing: Vec<(usize, &Approval)> = Vec::new();
    for (i, approval) in approvals.iter().enumerate().rev().filter(|(_, a)| a.environment == env) {
        if !standing.iter().any(|(_, a)| a.actor.id == approval.actor.id) {
            standing.push((i, approval));
        }
    }
    standing.reverse();

    let mut counted = Vec::new();
    let mut rejected = Vec::new();
    let mut not_counted = Vec::new();
    for (i, approval) in standing {
        let path = index("/approvals", i);
        let id = approval.actor.id.as_str();
        let review = match approval.decision {
            Verdict::Approve => "approval",
            Verdict::Reject => "rejection",
        };
        let authored = plan.authors.iter().find(|a| a.by == id);
        let refusal = if !approval.actor.roles.iter().any(|role| rule.roles.contains(role)) {
            Some((
                IssueCode::IneligibleApprover,
                format!(
                    "The {review} of {id} does not count: {id} holds none of the roles {} that may approve {env}.",
                    list(&rule.roles, ", ")
                ),
                child(&path, "actor"),
            ))
        } else if id == plan.actor.id {
            Some((
                IssueCode::SelfApproval,
                format!("The {review} of {id} does not count: {id} is the actor of this plan; ask someone else to review it."),
                child(&path, "actor"),
            ))
        } else if let Some(authored) = authored {
            Some((
                IssueCode::SelfApproval,
                format!(
                    "The {review} of {id} does not count: {id} last edited {}, which this plan promotes; ask someone who did not author the change.",
                    authored.label
                ),
                child(&path, "actor"),
            ))
        } else if approval.fingerprint != plan.fingerprint {
            Some((
                IssueCode::StaleApproval,
                format!(
                    "The {review} of {id} is stale: it was given for {}, but the plan now promotes {}, so the content changed after the review; ask {id} to review it again.",
                    approval.fingerprint, plan.fingerprint
                ),
                child(&path, "fingerprint"),
            ))
        } else {
            None
        };
        match refusal {
            Some((code, message, path)) => {
                findings.warning(code, message, Some(path));
                not_counted.push(UncountedApproval { actor: id.to_owned(), code });
            }
            None if approval.decision == Verdict::Reject => {
                let comment = match approval.comment.as_deref().filter(|c| !c.is_empty()) {
                    Some(comment) => format!(" (\"{comment}\")"),
                    None => String::new(),
                };
                findings.violation(
                    IssueCode::ApprovalRejected,
                    format!("{id} rejected this plan for {env}{comment}; address the review, then ask {id} to approve the new plan."),
                    Some(path),
                );
                rejected.push(id.to_owned());
            }
            None => counted.push(id.to_owned()),
        }
    }

    let have = u32::try_from(counted.len()).unwrap_or(u32::MAX);
    let missing = rule.required.saturating_sub(have);
    if missing > 0 {
        let plural = if missing == 1 { "approval" } else { "approvals" };
        let roles = match rule.roles.as_slice() {
            [role] => format!("the role {role}"),
            roles => format!("the roles {}", list(roles, " or ")),
        };
        findings.violation(
            IssueCode::ApprovalsMissing,
            format!(
                "{env} needs {missing} more {plural} from {roles} ({have} of {} counted); ask reviewers to approve this plan's fingerprint.",
                rule.required
            ),
            Some("/approvals".into()),
        );
    }
    ApprovalsAnswer { required: rule.required, roles: rule.roles.clone(), counted, missing, rejected, not_counted }
}

/// `items` joined by `separator` (by hand: `join` costs a generic instantiation).
fn list(items: &[String], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
    out
}
