/** The bounded memo tables the estimator, the catalog lookups and the views share. */
import { describe, expect, it } from "vitest";
import { BoundedMemo, getOrCreate } from "../../src/engine/memo";

describe("BoundedMemo", () => {
  it("computes a key once, undefined results included", () => {
    const memo = new BoundedMemo<string, string | undefined>(10);
    const calls: string[] = [];
    const compute = (k: string) => {
      calls.push(k);
      return k === "none" ? undefined : k.toUpperCase();
    };
    expect(memo.get("a", compute)).toBe("A");
    expect(memo.get("a", compute)).toBe("A");
    expect(memo.get("none", compute)).toBeUndefined();
    expect(memo.get("none", compute)).toBeUndefined();
    expect(calls).toEqual(["a", "none"]);
  });

  it("forgets everything once full, so memory stays bounded whatever the input", () => {
    const memo = new BoundedMemo<number, object>(3);
    const first = memo.get(1, () => ({}));
    memo.get(2, () => ({}));
    memo.get(3, () => ({}));
    expect(memo.get(1, () => ({}))).toBe(first);
    memo.get(4, () => ({})); // full: cleared, then 4 kept
    expect(memo.get(1, () => ({}))).not.toBe(first);
  });
});

describe("getOrCreate", () => {
  it("creates a missing entry once, for maps and weak maps", () => {
    const weak = new WeakMap<object, number[]>();
    const key = {};
    getOrCreate(weak, key, () => []).push(1);
    getOrCreate(weak, key, () => []).push(2);
    expect(weak.get(key)).toEqual([1, 2]);
    const map = new Map<string, number>();
    expect(getOrCreate(map, "k", () => 7)).toBe(7);
    expect(getOrCreate(map, "k", () => 8)).toBe(7);
  });
});
