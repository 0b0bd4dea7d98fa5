// Development identity for the edge example: key pairs, their public JWKS and signed tokens (JWTs),
// made with `jose`. `make edge` uses them when no --jwks/EDGE_JWKS is given; the tests use them too.
// Never use these keys for anything but a local run: the private keys live in memory only.
import { SignJWT, exportJWK, generateKeyPair } from "jose";

/** The sample people of the README, with their roles in the default policy. */
export const SAMPLE_PEOPLE = [
  { id: "dana", roles: ["developer"], about: "developer" },
  { id: "quinn", roles: ["qa"], about: "qa" },
  { id: "bea", roles: ["business"], about: "business" },
  { id: "ben", roles: ["business"], about: "business" },
  { id: "omar", roles: ["devops"], about: "devops" },
  { id: "ada", roles: ["admin"], about: "admin" },
];

export const DEV_ISSUER = "https://identity.promotion-rules.localhost";
export const DEV_AUDIENCE = "promotion-rules-edge";

const CURVES = { RS256: { modulusLength: 2048 }, ES256: {}, EdDSA: { crv: "Ed25519" } };

/**
 * One key pair per algorithm (RS256, ES256, EdDSA by default): `{ jwks, keys }`, where `jwks` is the
 * public JSON Web Key Set (what the worker's AUTH_JWKS binding holds) and `keys[alg]` signs tokens.
 */
export async function createKeySet(algorithms = ["ES256", "RS256", "EdDSA"]) {
  const keys = {};
  const publicKeys = [];
  for (const alg of algorithms) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { ...CURVES[alg], extractable: true });
    const kid = `dev-${alg.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`;
    keys[alg] = { alg, kid, privateKey };
    publicKeys.push({ ...(await exportJWK(publicKey)), kid, alg, use: "sig" });
  }
  return { jwks: { keys: publicKeys }, keys };
}

/**
 * A signed token for `sub` with `roles` (in the `rolesClaim` claim; `roles: undefined` leaves the
 * claim out). `now` (a Date) and `expiresIn` (seconds; null: no exp) set iat/exp; `claims` adds or overrides claims.
 */
export async function mintToken(key, { sub, roles, issuer = DEV_ISSUER, audience = DEV_AUDIENCE, rolesClaim = "roles", now = new Date(), expiresIn = 3600, notBefore, claims = {} }) {
  const iat = Math.floor(now.getTime() / 1000);
  const payload = { ...(roles === undefined ? {} : { [rolesClaim]: roles }), ...claims };
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" }).setIssuedAt(iat);
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  if (issuer !== undefined) jwt = jwt.setIssuer(issuer);
  if (audience !== undefined) jwt = jwt.setAudience(audience);
  if (expiresIn !== undefined && expiresIn !== null) jwt = jwt.setExpirationTime(iat + expiresIn);
  if (notBefore !== undefined) jwt = jwt.setNotBefore(Math.floor(notBefore.getTime() / 1000));
  return jwt.sign(key.privateKey);
}
