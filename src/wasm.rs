//! The WebAssembly layer: the only file that knows wasm-bindgen exists.
//!
//! Every export converts its arguments to JSON text (`js/interop.js` validates JS values; a
//! string argument is JSON text already), calls the one JSON-text entry of [`crate::api`] for
//! that function, and hands the answer back through `JSON.parse`, so answers are plain objects
//! and arrays.

use std::sync::atomic::{AtomicU32, Ordering};

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::api;
use crate::error::Error;
use crate::issue::Decision;
use crate::limits::Limits;
use crate::write::{to_json, WriteJson};

#[wasm_bindgen(module = "/js/interop.js")]
extern "C" {
    #[wasm_bindgen(js_name = argumentToJson, catch)]
    fn argument_to_json(
        value: &JsValue,
        string_is_value: bool,
        max_depth: u32,
        max_bytes: f64,
        code: &str,
    ) -> Result<f64, JsValue>;

    #[wasm_bindgen(js_name = stringValue, catch)]
    fn string_value(value: &JsValue, max_bytes: f64) -> Result<f64, JsValue>;

    #[wasm_bindgen(js_name = argumentWrite)]
    fn argument_write(memory: &JsValue, at: u32, capacity: u32) -> u32;

    #[wasm_bindgen(js_name = promotionRulesError)]
    fn promotion_rules_error(code: &str, message: &str, path: &str) -> JsValue;

    #[wasm_bindgen(js_name = authorizeCached)]
    // `engine` is a u32 so that the glue wraps the call (`>>> 0`): an import taking only
    // references and doubles is imported straight from the snippet, a second `require` of it
    // that scripts/assemble-pkg.mjs does not rewrite for CommonJS.
    fn authorize_cached(
        engine: u32,
        actor: &JsValue,
        action: &JsValue,
        environment: &JsValue,
        max_bytes: f64,
    ) -> JsValue;

    #[wasm_bindgen(js_name = rememberDecision)]
    fn remember_decision(allowed: bool, packed: &str, has_path: bool) -> JsValue;
}

/// Numbers the engines, so that `authorizeCached` keeps their decisions apart.
static ENGINES: AtomicU32 = AtomicU32::new(0);

/// A decision of the fast path as a JS object, built in JS and kept there for the request that
/// `authorizeCached` handed over last.
/// `None` for a shape other than "no issue" or "one violation" (the caller writes it as JSON).
fn remember(decision: &Decision) -> Option<JsValue> {
    match (decision.violations.as_slice(), decision.warnings.is_empty()) {
        ([], true) => Some(remember_decision(decision.allowed, "", false)),
        ([issue], true) if !decision.allowed && !issue.path.as_deref().unwrap_or("").contains('\0') => {
            let path = issue.path.as_deref();
            let mut packed = String::with_capacity(issue.message.len() + 32);
            for piece in [issue.code.as_str(), "\0", path.unwrap_or(""), "\0", &issue.message] {
                packed.push_str(piece);
            }
            Some(remember_decision(false, &packed, path.is_some()))
        }
        _ => None,
    }
}

fn to_js_error(error: Error) -> JsValue {
    promotion_rules_error(error.code.as_str(), &error.message, &error.path)
}

/// A JS argument as JSON text (`js/interop.js` checks a JS value and writes it; a string is JSON
/// text already). Errors of the JS value carry `code` (`INVALID_INPUT`, or `INVALID_POLICY` for a
/// policy) and start with `prefix`.
fn argument_text(value: &JsValue, string_is_value: bool, code: &str, prefix: &str) -> Result<String, JsValue> {
    let limits = Limits::DEFAULT;
    let depth = u32::try_from(limits.max_depth).unwrap_or(u32::MAX);
    let units = argument_to_json(value, string_is_value, depth, limits.max_input_bytes as f64, code)
        .map_err(|error| prefix_path(error, prefix))?;
    held_text(units, prefix)
}

/// The text `js/interop.js` holds (`units` UTF-16 units long), as `TextEncoder.encodeInto` writes
/// its UTF-8 straight into this buffer: no copy on either side. Room for one byte per unit first,
/// which ASCII fills exactly; if that runs short, room for the three bytes a unit may take.
fn held_text(units: f64, prefix: &str) -> Result<String, JsValue> {
    const ROOM: usize = 4; // a character's most bytes: `argumentWrite` answers 0 only when done
    let memory = wasm_bindgen::memory();
    let units = units as usize;
    let most = units.saturating_mul(3).saturating_add(ROOM);
    let mut bytes = vec![0u8; units.saturating_add(ROOM)];
    let mut filled = 0;
    loop {
        if bytes.len() - filled < ROOM && bytes.len() < most {
            bytes.resize(most, 0);
        }
        let spare = bytes.get_mut(filled..).unwrap_or_default();
        let at = u32::try_from(spare.as_mut_ptr() as usize).unwrap_or(u32::MAX);
        let capacity = u32::try_from(spare.len()).unwrap_or(u32::MAX);
        let written = argument_write(&memory, at, capacity) as usize;
        if written == 0 {
            break;
        }
        filled += written;
    }
    bytes.truncate(filled);
    // `TextEncoder` writes UTF-8, and interop.js refused lone surrogates: never an error.
    String::from_utf8(bytes)
        .map_err(|_| to_js_error(Error::invalid_input(prefix, "The input is not valid UTF-8 text.")))
}

/// A JS argument as JSON text, for the argument at `prefix` of a call (`""`: the only one).
fn text(value: &JsValue, prefix: &str) -> Result<String, JsValue> {
    argument_text(value, false, "INVALID_INPUT", prefix)
}

fn prefix_path(error: JsValue, prefix: &str) -> JsValue {
    if prefix.is_empty() {
        return error;
    }
    let key = JsValue::from_str("path");
    if let Ok(path) = js_sys::Reflect::get(&error, &key) {
        // Joined in JS: the path may name a key holding a lone surrogate, which a Rust string
        // cannot carry.
        let joined = js_sys::JsString::from(prefix).concat(&path);
        let _ = js_sys::Reflect::set(&error, &key, &joined);
    }
    error
}

/// A name argument (an action, an environment): a string as it is; any other value as JSON text,
/// whose error names what it is (`…, found a number.`).
fn name(value: &JsValue, path: &str, what: &str) -> Result<String, JsValue> {
    match value.as_string() {
        Some(name) => Ok(name),
        None => api::string_argument(&text(value, path)?, path, what).map_err(to_js_error),
    }
}

/// An answer as plain JS objects and arrays: written as JSON text, read by `JSON.parse`.
fn answer<T: WriteJson + ?Sized>(result: Result<&T, Error>) -> Result<JsValue, JsValue> {
    JSON::parse(&to_json(result.map_err(to_js_error)?))
}

fn owned<T: WriteJson>(result: Result<T, Error>) -> Result<JsValue, JsValue> {
    match result {
        Ok(value) => answer(Ok(&value)),
        Err(error) => Err(to_js_error(error)),
    }
}

/// The default policy of the spec.
#[wasm_bindgen(js_name = defaultPolicy)]
pub fn default_policy() -> Result<JsValue, JsValue> {
    answer(Ok(&api::default_policy()))
}

/// `"sha256:" + hex` of the RFC 8785 canonical JSON of any JSON value (a string is a JSON string).
#[wasm_bindgen]
pub fn fingerprint(value: JsValue) -> Result<String, JsValue> {
    // A string is hashed as it is: no JSON text to write and read again.
    let units = string_value(&value, Limits::DEFAULT.max_input_bytes as f64)?;
    if units >= 0.0 {
        return Ok(api::fingerprint_of_string(&held_text(units, "")?));
    }
    api::fingerprint(&argument_text(&value, true, "INVALID_INPUT", "")?).map_err(to_js_error)
}

/// The promoted content of a workspace, what stays behind, and unknown kinds.
#[wasm_bindgen(js_name = filterContent)]
pub fn filter_content(workspace: JsValue) -> Result<JsValue, JsValue> {
    owned(api::filter_content(&text(&workspace, "")?))
}

/// The change set from one workspace to another, with an RFC 6902 patch.
#[wasm_bindgen(js_name = diffWorkspaces)]
pub fn diff_workspaces(before: JsValue, after: JsValue) -> Result<JsValue, JsValue> {
    owned(api::diff_workspaces(&text(&before, "/before")?, &text(&after, "/after")?))
}

/// `{kind: {id: fingerprint}}` of a workspace's promoted content (variables by structure).
#[wasm_bindgen]
pub fn manifest(workspace: JsValue) -> Result<JsValue, JsValue> {
    owned(api::manifest(&text(&workspace, "")?))
}

/// Verifies a log of audit records (an array, or its JSON text): `{ valid, count, head, brokenAt? }`.
#[wasm_bindgen(js_name = verifyAuditChain)]
pub fn verify_audit_chain(records: JsValue) -> Result<JsValue, JsValue> {
    owned(api::verify_audit_chain(&text(&records, "")?))
}

/// The rules engine: validates and compiles a policy once.
#[wasm_bindgen(js_name = PromotionRules)]
pub struct PromotionRules {
    inner: crate::PromotionRules,
    /// This engine's number for `authorizeCached`.
    engine: u32,
}

#[wasm_bindgen(js_class = PromotionRules)]
impl PromotionRules {
    /// `new PromotionRules(policy?)`: the default policy when absent.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> Result<PromotionRules, JsValue> {
        let policy = if policy.is_undefined() || policy.is_null() {
            None
        } else {
            Some(argument_text(&policy, false, "INVALID_POLICY", "")?)
        };
        let inner = api::rules(policy.as_deref()).map_err(to_js_error)?;
        Ok(PromotionRules { inner, engine: ENGINES.fetch_add(1, Ordering::Relaxed) })
    }

    /// The chain, in order.
    #[wasm_bindgen(getter)]
    pub fn environments(&self) -> Result<JsValue, JsValue> {
        answer(Ok(self.inner.environment_names().as_slice()))
    }

    /// The normalised policy.
    #[wasm_bindgen(getter)]
    pub fn policy(&self) -> Result<JsValue, JsValue> {
        answer(Ok(self.inner.policy().policy()))
    }

    /// The fingerprint of the normalised policy.
    #[wasm_bindgen(getter, js_name = policyFingerprint)]
    pub fn policy_fingerprint(&self) -> String {
        self.inner.policy().fingerprint().to_owned()
    }

    /// The environment after `env`, or `null` after production.
    #[wasm_bindgen(js_name = nextEnvironment)]
    pub fn next_environment(&self, env: JsValue) -> Result<JsValue, JsValue> {
        let name = name(&env, "", "an environment name")?;
        let next = api::next_environment(&self.inner, &name).map_err(to_js_error)?;
        // `Option<String>` would arrive as `undefined`; the API answers `null`.
        Ok(next.map_or(JsValue::NULL, |env| JsValue::from_str(env.as_str())))
    }

    /// Whether the actor may take the action in the environment.
    pub fn authorize(&self, actor: JsValue, action: JsValue, environment: JsValue) -> Result<JsValue, JsValue> {
        let limits = self.inner.limits();
        // Fast path: an actor `{ id, roles }` and two names cross as one short string, and a
        // request this engine has decided before is answered in JS.
        let cached = authorize_cached(self.engine, &actor, &action, &environment, limits.max_input_bytes as f64);
        let cacheable = match cached.as_string() {
            Some(packed) if !packed.is_empty() => {
                if let Some(answer) = api::authorize_packed(&self.inner, &packed).and_then(|d| remember(&d)) {
                    return Ok(answer);
                }
                true
            }
            Some(_) => true,
            None if cached.is_null() => false,
            None => return Ok(cached),
        };
        let actor = text(&actor, "/actor")?;
        let action = name(&action, "/action", "an action name")?;
        let environment = name(&environment, "/environment", "an environment name")?;
        let decision = api::authorize(&self.inner, &actor, &action, &environment).map_err(to_js_error)?;
        match cacheable.then(|| remember(&decision)).flatten() {
            Some(answer) => Ok(answer),
            None => answer(Ok(&decision)),
        }
    }

    /// May the actor change the workspace from `before` to `after`?
    #[wasm_bindgen(js_name = checkEdit)]
    pub fn check_edit(&self, request: JsValue) -> Result<JsValue, JsValue> {
        owned(api::check_edit(&self.inner, &text(&request, "")?))
    }

    /// The plan of a sync: decision, payload, changes, manifest, fingerprints, audit.
    #[wasm_bindgen(js_name = planSync)]
    pub fn plan_sync(&self, request: JsValue) -> Result<JsValue, JsValue> {
        JSON::parse(&api::plan_sync(&self.inner, &text(&request, "")?).map_err(to_js_error)?)
    }

    /// The plan of a rollback to an earlier version.
    #[wasm_bindgen(js_name = planRollback)]
    pub fn plan_rollback(&self, request: JsValue) -> Result<JsValue, JsValue> {
        owned(api::plan_rollback(&self.inner, &text(&request, "")?))
    }

    /// The plan of a publish: go-live or hotfix.
    #[wasm_bindgen(js_name = planPublish)]
    pub fn plan_publish(&self, request: JsValue) -> Result<JsValue, JsValue> {
        owned(api::plan_publish(&self.inner, &text(&request, "")?))
    }
}
