/**
 * Glob patterns for type names in policy config (`allowedTypes`): `g6.*`, `ml.g6e.*`,
 * `a3-highgpu-?g`, `g6` (a family); case-insensitive, `*` and `?` wildcards, nothing else special.
 */

/** `g6.*`, `ml.g6e.*`, `a3-highgpu-?g`, `g6` (a family): case-insensitive, `*` and `?` wildcards. */
export function compileGlob(pattern: string): RegExp | undefined {
  const p = pattern.trim().toLowerCase();
  if (p === "" || p.length > 100) return undefined;
  const body = p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  try {
    return new RegExp(`^${body}$`);
  } catch {
    // Unreachable in practice (every metacharacter but * and ? is escaped above). Dropping the
    // pattern is safe: allowedTypes only exempts types, so a pattern that matches nothing can only
    // make the rule stricter, never let a resource through.
    return undefined;
  }
}

export function matchesAny(patterns: readonly RegExp[], names: readonly string[]): boolean {
  return names.some((n) => patterns.some((re) => re.test(n.toLowerCase())));
}
