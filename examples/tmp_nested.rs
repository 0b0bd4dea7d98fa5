fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let deep = |i: usize| {
        if std::env::var("OBJ").is_ok() {
            format!("{}{}{}", "{\"a\":".repeat(124), i, "}".repeat(124))
        } else {
            format!("{}{}{}", "[".repeat(124), i, "]".repeat(124))
        }
    };
    let items = |changed: bool| {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"a{i}","deep":{}{}}}"#,
                    deep(i),
                    if changed && i % 100 == 0 { r#","changed":true"# } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let text = format!(
        r#"{{"actor":{{"id":"dana","roles":["developer"]}},"from":"dev","to":"test","source":{{"agents":[{}]}},"target":{{"agents":[{}]}}}}"#,
        items(false),
        items(true)
    );
    let rules = promotion_rules::PromotionRules::default();
    let t = std::time::Instant::now();
    let v = promotion_rules::json::parse(&text).ok();
    println!("parse {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let plan = promotion_rules::api::plan_sync(&rules, &text).ok();
    println!("plan {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let s = plan.map(|p| promotion_rules::write::to_json(&p).len());
    println!("write {:?} {:?} {}", t.elapsed(), s, v.is_some());
}
