const { PromotionRules, fingerprint } = require("promotion-rules");

const rules = new PromotionRules();
const quinn = { id: "quinn", roles: ["qa"] };

// A denial is an answer, not an exception.
const decision = rules.authorize(quinn, "sync", "dev");
console.log(decision.allowed, decision.violations.map((v) => v.code)); // false [ 'FORBIDDEN' ]
console.log(rules.nextEnvironment("dev")); // test
console.log(fingerprint({ b: "ü", a: [1, 2] })); // sha256:… of {"a":[1,2],"b":"ü"} (RFC 8785)
