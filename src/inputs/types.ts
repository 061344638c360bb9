/** Shapes shared by the state readers (stack exports, preview plans, self-managed backends). */

/** One resource as Pulumi records it, with nothing decrypted (secrets stay `{sig, ciphertext}`). */
export interface ResourceRecord {
  readonly urn: string;
  readonly type: string;
  /** The resource name, from the URN's last `::` segment. */
  readonly name: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** `<providerURN>::<providerID>`. */
  readonly provider?: string;
}

export type SnapshotFormat = "stack-export" | "checkpoint" | "preview";

export interface StackSnapshot {
  /** The file the stack was read from. */
  readonly source: string;
  readonly format: SnapshotFormat;
  readonly project: string;
  readonly stack: string;
  readonly stackTags?: Readonly<Record<string, string>>;
  /** Plain (non-secret) stack config, `{"aws:region": "us-east-1"}`; secure values are left out. */
  readonly config?: Readonly<Record<string, string>>;
  readonly resources: readonly ResourceRecord[];
  /** Problems that did not stop the read (a malformed resource entry skipped, …). */
  readonly warnings: readonly string[];
}

/** An input that could not be read, naming the file and what is wrong with it. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

export type InputItem = { readonly kind: "stack"; readonly snapshot: StackSnapshot } | { readonly kind: "error"; readonly error: InputError };
