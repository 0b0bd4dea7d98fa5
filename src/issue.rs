//! Violations and warnings: the stable codes of every answer.

/// The stable code of a violation or warning.
///
/// Every code is a `SCREAMING_SNAKE` string in JSON. The same code may be a violation in one
/// answer and a warning in another (an acknowledged `WOULD_REVERT_HOTFIX`, an `INLINE_SECRET`
/// under `inlineSecrets: "warn"`, a `DANGLING_REFERENCE` to a guardrail of the target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IssueCode {
    /// A sync must go to the environment right after its source.
    NotNextEnvironment,
    /// Nothing comes after production.
    NoNextEnvironment,
    /// The actor's roles do not grant the action in the environment.
    Forbidden,
    /// Promoted content holds a secret value instead of a `{{secrets.NAME}}` reference.
    InlineSecret,
    /// A `uses` entry or a variable's `usage` names something that will not be there.
    DanglingReference,
    /// A secret referenced by the payload is not (yet) set in the target.
    MissingSecret,
    /// The sync would overwrite an in-place change of the target with the older copy.
    WouldRevertHotfix,
    /// Source and target both changed an item since the last sync, differently.
    Conflict,
    /// No `base` manifest: in-place changes of the target cannot be detected.
    NoBaseManifest,
    /// The actor would promote items it edited itself into a separated environment.
    SelfPromotion,
    /// Promoted content changes only in dev (or by a declared hotfix in production).
    ReadOnlyEnvironment,
    /// Variable structure changes only in dev.
    VariableStructureLocked,
    /// A variable's default value does not fit its type.
    InvalidVariableValue,
    /// A variable's type changed, so the target's default was reset.
    VariableDefaultReset,
    /// A top-level key that is no content kind: it stays behind.
    UnknownContentKind,
    /// Production differs from what was synced in, and no hotfix was declared.
    UndeclaredHotfix,
    /// A hotfix was declared but nothing differs from what was synced in.
    NothingToHotfix,
    /// An `acknowledge` entry matched no drift, so it acknowledged nothing.
    UnusedAcknowledgement,
    /// A selective sync under `closure: "refuse"` needs an item that is not selected.
    DependencyNotSelected,
    /// Fewer counted approvals than the gate requires.
    ApprovalsMissing,
    /// A counted reviewer rejected the plan.
    ApprovalRejected,
    /// An approval was given for another fingerprint: the content changed after the review.
    StaleApproval,
    /// An approver holds none of the roles that may approve.
    IneligibleApprover,
    /// An approval by the acting actor or by an author of what the plan promotes.
    SelfApproval,
    /// The source has not held its content for the gate's soak time yet.
    SoakNotMet,
    /// The gate's promotion windows are closed at `now`.
    OutsidePromotionWindow,
    /// A declared hotfix publish passed a closed promotion window.
    WindowBypassed,
}

impl IssueCode {
    /// Every code, in declaration order.
    pub const ALL: [IssueCode; 27] = [
        IssueCode::NotNextEnvironment,
        IssueCode::NoNextEnvironment,
        IssueCode::Forbidden,
        IssueCode::InlineSecret,
        IssueCode::DanglingReference,
        IssueCode::MissingSecret,
        IssueCode::WouldRevertHotfix,
        IssueCode::Conflict,
        IssueCode::NoBaseManifest,
        IssueCode::SelfPromotion,
        IssueCode::ReadOnlyEnvironment,
        IssueCode::VariableStructureLocked,
        IssueCode::InvalidVariableValue,
        IssueCode::VariableDefaultReset,
        IssueCode::UnknownContentKind,
        IssueCode::UndeclaredHotfix,
        IssueCode::NothingToHotfix,
        IssueCode::UnusedAcknowledgement,
        IssueCode::DependencyNotSelected,
        IssueCode::ApprovalsMissing,
        IssueCode::ApprovalRejected,
        IssueCode::StaleApproval,
        IssueCode::IneligibleApprover,
        IssueCode::SelfApproval,
        IssueCode::SoakNotMet,
        IssueCode::OutsidePromotionWindow,
        IssueCode::WindowBypassed,
    ];

    /// The code as written in JSON, e.g. `NOT_NEXT_ENVIRONMENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::NotNextEnvironment => "NOT_NEXT_ENVIRONMENT",
            IssueCode::NoNextEnvironment => "NO_NEXT_ENVIRONMENT",
            IssueCode::Forbidden => "FORBIDDEN",
            IssueCode::InlineSecret => "INLINE_SECRET",
            IssueCode::DanglingReference => "DANGLING_REFERENCE",
            IssueCode::MissingSecret => "MISSING_SECRET",
            IssueCode::WouldRevertHotfix => "WOULD_REVERT_HOTFIX",
            IssueCode::Conflict => "CONFLICT",
            IssueCode::NoBaseManifest => "NO_BASE_MANIFEST",
            IssueCode::SelfPromotion => "SELF_PROMOTION",
            IssueCode::ReadOnlyEnvironment => "READ_ONLY_ENVIRONMENT",
            IssueCode::VariableStructureLocked => "VARIABLE_STRUCTURE_LOCKED",
            IssueCode::InvalidVariableValue => "INVALID_VARIABLE_VALUE",
            IssueCode::VariableDefaultReset => "VARIABLE_DEFAULT_RESET",
            IssueCode::UnknownContentKind => "UNKNOWN_CONTENT_KIND",
            IssueCode::UndeclaredHotfix => "UNDECLARED_HOTFIX",
            IssueCode::NothingToHotfix => "NOTHING_TO_HOTFIX",
            IssueCode::UnusedAcknowledgement => "UNUSED_ACKNOWLEDGEMENT",
            IssueCode::DependencyNotSelected => "DEPENDENCY_NOT_SELECTED",
            IssueCode::ApprovalsMissing => "APPROVALS_MISSING",
            IssueCode::ApprovalRejected => "APPROVAL_REJECTED",
            IssueCode::StaleApproval => "STALE_APPROVAL",
            IssueCode::IneligibleApprover => "INELIGIBLE_APPROVER",
            IssueCode::SelfApproval => "SELF_APPROVAL",
            IssueCode::SoakNotMet => "SOAK_NOT_MET",
            IssueCode::OutsidePromotionWindow => "OUTSIDE_PROMOTION_WINDOW",
            IssueCode::WindowBypassed => "WINDOW_BYPASSED",
        }
    }
}

impl std::fmt::Display for IssueCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A violation or a warning: a code, a sentence that says what to do, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The stable code.
    pub code: IssueCode,
    /// What happened and what to do, in one sentence.
    pub message: String,
    /// JSON Pointer into the request, where one applies.
    pub path: Option<String>,
}

impl Issue {
    /// An issue with a code, a message and an optional path.
    pub fn new(code: IssueCode, message: impl Into<String>, path: Option<String>) -> Issue {
        Issue { code, message: message.into(), path }
    }
}

/// The answer every decision shares: allowed when there is no violation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// True exactly when `violations` is empty.
    pub allowed: bool,
    /// What refuses the action.
    pub violations: Vec<Issue>,
    /// What the actor should know but does not refuse it.
    pub warnings: Vec<Issue>,
}

impl Decision {
    /// A decision from its issues; `allowed` is derived, never set by hand.
    pub fn from_issues(violations: Vec<Issue>, warnings: Vec<Issue>) -> Decision {
        Decision { allowed: violations.is_empty(), violations, warnings }
    }

    /// The distinct codes, violations first, in order of first appearance.
    pub fn codes(&self) -> Vec<IssueCode> {
        let mut codes: Vec<IssueCode> = Vec::new();
        for issue in self.violations.iter().chain(&self.warnings) {
            if !codes.contains(&issue.code) {
                codes.push(issue.code);
            }
        }
        codes
    }
}

/// Collects violations and warnings while a rule runs.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub violations: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Findings {
    pub fn violation(&mut self, code: IssueCode, message: impl Into<String>, path: Option<String>) {
        self.violations.push(Issue::new(code, message, path));
    }

    pub fn warning(&mut self, code: IssueCode, message: impl Into<String>, path: Option<String>) {
        self.warnings.push(Issue::new(code, message, path));
    }

    /// A violation, or a warning when `soft`.
    pub fn either(&mut self, soft: bool, code: IssueCode, message: impl Into<String>, path: Option<String>) {
        if soft {
            self.warning(code, message, path);
        } else {
            self.violation(code, message, path);
        }
    }

    pub fn into_decision(self) -> Decision {
        Decision::from_issues(self.violations, self.warnings)
    }
}
