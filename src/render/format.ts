/** The -o formats; each command offers some of them, table first. */
export const outputFormats = ['table', 'json', 'ndjson', 'csv', 'sarif', 'markdown', 'html', 'cyclonedx'] as const;
export type OutputFormat = (typeof outputFormats)[number];
