//! authorize(actor, action, environment): `action NUL environment NUL actor-JSON`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use promotion_rules::{api, Actor, Environment};
use promotion_rules_fuzz::{arguments, check_decision, check_error, default_rules, granted, parse, serializes};

fuzz_target!(|data: &[u8]| {
    let Some(args) = arguments(data, 3) else { return };
    let [action, environment, actor] = args.as_slice() else { return };
    let Some(actor_value) = parse(actor) else { return };
    let rules = default_rules();
    match api::authorize(rules, actor, action, environment) {
        Ok(decision) => {
            check_decision(&decision);
            // Deny by default: allowed exactly when a role of the actor lists the action there.
            let actor = Actor::from_value(actor_value, "/actor").ok();
            let env = Environment::parse(environment);
            let expected = match (actor, env) {
                (Some(actor), Some(env)) => granted(rules, &actor, action, env),
                _ => panic!("authorize answered for an unreadable actor or environment"),
            };
            assert_eq!(decision.allowed, expected, "authorize disagrees with the policy");
            serializes(&decision);
        }
        Err(error) => check_error(&error),
    }
});
