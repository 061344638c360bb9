/**
 * Globs for waiver `match` fields and `policy`: `*` matches any run of characters (also `:`, `/`
 * and `::`, so one `*` can span URN segments), `?` exactly one; everything else is literal and
 * case-sensitive. Anchored at both ends.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let source = "";
    for (const ch of glob) {
      if (ch === "*") source += source.endsWith(".*") ? "" : ".*";
      else if (ch === "?") source += ".";
      else source += ch.replace(/[\\^$.|+()[\]{}*?/]/g, "\\$&");
    }
    re = new RegExp(`^${source}$`, "su");
    if (cache.size > 10_000) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

export function globMatches(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}

export function isGlob(text: string): boolean {
  return text.includes("*") || text.includes("?");
}
