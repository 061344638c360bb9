/**
 * Secrets in the pack: one answer with the report (docs/secrets.md). The report sees secrets as
 * ciphertext and can't evaluate them; the policy SDK hands Analyze and AnalyzeStack the plaintext
 * with no marker, so the pack would evaluate (and might quote) what the report cannot. This makes
 * the SDK keep secrets marked for the pack's validations too, as it already does for
 * remediations: `deserializeProperties(…, proxySecrets = true)` wraps props in its
 * secrets-preserving proxy, whose reads still return plaintext (other policies see no change)
 * while its target holds `Secret` objects, which the engine turns into "secret" (never read).
 *
 * `deserializeProperties` is internal to @pulumi/policy (pinned at 1.21.0); the server calls it
 * through the module object, so replacing the export takes effect. If the SDK changes shape the
 * patch reports false and the harness test on secrets fails.
 */

type Deserialize = (struct: unknown, proxySecrets: boolean) => unknown;

const PATCHED = Symbol.for("carbonguard.keepSecretsMarked");

/** Makes the policy SDK keep secrets marked in every resource's props. Returns whether it could. */
export function keepSecretsMarked(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require("@pulumi/policy/deserialize") as { deserializeProperties?: Deserialize & { [PATCHED]?: true } };
  const original = mod.deserializeProperties;
  if (typeof original !== "function") return false;
  if (original[PATCHED]) return true;
  const patched: Deserialize & { [PATCHED]?: true } = (struct) => original(struct, true);
  patched[PATCHED] = true;
  mod.deserializeProperties = patched;
  return mod.deserializeProperties === patched;
}
