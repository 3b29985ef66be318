// Loaded with `node --import`: records every module the program loads into $KW_LOAD_LOG, as a URL: ES modules as
// they are resolved, CommonJS ones (the bin among them) as they are required.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      appendFileSync(process.env.KW_LOAD_LOG, result.url + '\\n');
      return result;
    }
  `)}`,
);

const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function recorded(request, parent, isMain) {
  const path = Module._resolveFilename(request, parent, isMain);
  appendFileSync(
    process.env.KW_LOAD_LOG,
    `${path.startsWith('/') ? pathToFileURL(path).href : `node:${path.replace(/^node:/, '')}`}\n`,
  );
  return load.call(this, request, parent, isMain);
};
