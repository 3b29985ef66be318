/** The -o formats; each command offers some of them. */
export type OutputFormat = 'table' | 'json' | 'ndjson' | 'csv' | 'sarif' | 'markdown';
