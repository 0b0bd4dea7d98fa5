//! authorize on generated policies, actors, actions and environments: deny by default.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use promotion_rules::api;
use promotion_rules::{Actor, Environment};
use promotion_rules_fuzz::{check_decision, check_error, gen, granted};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(rules) = gen::rules(&mut u) else { return };
    let (Ok(actor), Ok(action), Ok(env)) = (gen::actor(&mut u), u.choose(&gen::ACTIONS), u.choose(&gen::ENVS)) else {
        return;
    };
    match api::authorize(&rules, &actor.to_string(), action, env) {
        Ok(decision) => {
            check_decision(&decision);
            let (Ok(actor), Some(env)) = (Actor::from_value(actor, "/actor"), Environment::parse(env)) else {
                panic!("authorize answered for an unreadable actor or environment");
            };
            assert!(rules.policy().chain().contains(env), "authorize answered outside the chain");
            assert_eq!(decision.allowed, granted(&rules, &actor, action, env), "deny by default");
        }
        Err(error) => check_error(&error),
    }
});
