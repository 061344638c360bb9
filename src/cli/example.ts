/** The built-in example stack (a `pulumi stack export` of stacks/examples/wasteful under mocks). */
export const EXAMPLE_EXPORT = "stacks/examples/wasteful/stack-export.json";
