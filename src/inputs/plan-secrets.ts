/**
 * `pulumi preview --json` prints every secret value as the string "[secret]" (the CLI masks it
 * unless `--show-secrets`). Read as a string, a masked instance type or region would be an
 * unrecognized value and the rules would pass it silently, while the pack, which sees the secret
 * marked, says it can't evaluate (docs/secrets.md). So a plan's "[secret]" becomes the state's
 * secret shape, which every reader treats as a secret: never read, "can't evaluate".
 */
import { SECRET_SIG, SIG_KEY, setData } from "../engine/values";

export const PLAN_SECRET_MASK = "[secret]";

/** Deeper than this, values are left as they are: no rule reads that far down. */
const MAX_DEPTH = 64;

/** A copy of `value` with every "[secret]" string replaced by a secret marker (input is never changed). */
export function markPlanSecrets(value: unknown, depth = 0): unknown {
  if (value === PLAN_SECRET_MASK) return { [SIG_KEY]: SECRET_SIG, ciphertext: PLAN_SECRET_MASK };
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = markPlanSecrets(value[i], depth + 1);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const marked = keys.map((key) => markPlanSecrets(record[key], depth + 1));
  if (marked.every((v, i) => v === record[keys[i]!])) return value;
  // A copy built key by key: a "__proto__" key from JSON stays data (setData).
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => setData(out, key, marked[i]));
  return out;
}
