// Loaded with `node --require`: writes the Node modules the process loaded, one a line, to $KW_BUILTINS_LOG at exit.
'use strict';
process.on('exit', () => {
  const loaded = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule '));
  require('node:fs').writeFileSync(process.env.KW_BUILTINS_LOG, loaded.map((entry) => entry.slice(13)).join('\n'));
});
