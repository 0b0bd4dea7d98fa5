//! References: every `uses` entry and every variable `usage` must resolve after the sync.

use crate::environment::Environment;
use crate::issue::{Findings, IssueCode};
use crate::pointer::index;
use crate::rules::item_path;
use crate::workspace::{IdIndex, Kind, Workspace};

/// Checks the references of the payload (`payload`, at pointer `prefix`) against itself and the
/// target: promoted kinds and variables must travel (`DANGLING_REFERENCE`, a violation); secrets
/// must be set in the target (`MISSING_SECRET`, a warning, since secrets are set per environment,
/// possibly after the sync); guardrails and evaluators must exist in the target
/// (`DANGLING_REFERENCE`, a warning); a variable's `usage` must name workflows of the payload
/// (`DANGLING_REFERENCE`, a warning). `carrier` names, for messages, what carries the payload and
/// where it comes from: `("this sync", "the source")`.
pub(crate) fn check(
    payload: &Workspace,
    target: &Workspace,
    to: Environment,
    prefix: &str,
    carrier: (&str, &str),
    findings: &mut Findings,
) {
    let (carried_by, origin) = carrier;
    let travelling: Vec<IdIndex> = Kind::PROMOTED.iter().map(|&kind| IdIndex::of(payload, kind)).collect();
    let holds = |kind: Kind, id: &str| {
        kind.promoted_index().and_then(|i| travelling.get(i)).is_some_and(|ids| ids.contains(id))
    };
    let secrets = target.local_ids(Kind::Secrets);
    let guardrails = target.local_ids(Kind::Guardrails);
    let evaluators = target.local_ids(Kind::Evaluators);

    for kind in Kind::PROMOTED {
        for (i, item) in payload.items(kind).iter().enumerate() {
            let uses_path = format!("{}/uses", item_path(prefix, kind, i));
            for (j, reference) in item.uses.iter().enumerate() {
                let path = Some(index(&uses_path, j));
                let user = format!("{kind}/{}", item.id);
                let wanted = format!("{}/{}", reference.kind, reference.id);
                match reference.kind {
                    Kind::Secrets if !secrets.contains(reference.id.as_str()) => findings.warning(
                        IssueCode::MissingSecret,
                        format!("{user} uses the secret {}, which {to} does not hold yet; set it in {to} before the synced content runs.", reference.id),
                        path,
                    ),
                    Kind::Guardrails | Kind::Evaluators => {
                        let present = if reference.kind == Kind::Guardrails { &guardrails } else { &evaluators };
                        if !present.contains(reference.id.as_str()) {
                            findings.warning(
                                IssueCode::DanglingReference,
                                format!("{user} uses {wanted}, which {to} does not have; create it in {to}, since {} stay in their environment.", reference.kind),
                                path,
                            );
                        }
                    }
                    kind if kind.is_promoted() && !holds(kind, &reference.id) => findings.violation(
                        IssueCode::DanglingReference,
                        format!("{user} uses {wanted}, which {carried_by} does not carry; add it in {origin} or remove the reference."),
                        path,
                    ),
                    _ => {}
                }
            }
        }
    }

    for (i, (variable, info)) in payload.items(Kind::Variables).iter().zip(payload.variables()).enumerate() {
        let usage_path = format!("{}/usage", item_path(prefix, Kind::Variables, i));
        for (j, workflow) in info.usage.iter().enumerate() {
            if !holds(Kind::Workflows, workflow) {
                findings.warning(
                    IssueCode::DanglingReference,
                    format!("The variable {} lists the workflow {workflow} in its usage, but no such workflow travels; fix the usage list.", variable.id),
                    Some(index(&usage_path, j)),
                );
            }
        }
    }
}
