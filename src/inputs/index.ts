/**
 * State readers shared by `carbonguard estimate` and `carbonguard report`:
 *
 * - `readInputs(paths, options?)`: async iterable of `{kind: "stack", snapshot}` /
 *   `{kind: "error", error: InputError}` over stack exports, preview JSON and backend folders;
 * - `readStateFile(file)`, `parseStateText(source, text)`, `parseStateDocument(source, doc)`;
 * - `snapshotToResourceInputs(snapshot)`, `snapshotStackContext(snapshot)`, `snapshotStackView(snapshot)`.
 */
export * from "./types";
export { parseStateDocument, parseStateText, parseUrn } from "./parse";
export { type InputFile, type ReadOptions, backendMetaVersion, backendStateFiles, listInputs, readInputFile, readInputs, readStackTagsFile, readStateFile, stackTagsPath } from "./read";
export { type PulumiCloudOptions, DEFAULT_PULUMI_API, listPulumiCloudStacks, readPulumiCloud } from "./pulumi-cloud";
export { type ZstdDecoder, ZSTD_UNAVAILABLE, compressionOf, defaultZstdDecoder } from "./decompress";
export { recordProps, snapshotStackContext, snapshotStackView, snapshotToResourceInputs, splitProviderRef } from "./to-view";
