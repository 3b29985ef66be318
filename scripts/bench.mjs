// npm run bench: keywarden side by side with the fastest plain script a person would write for the same listing,
// in one run against the sandbox (a separate process) with injected latency, runs alternating; start-up against a
// bare node; peak memory. Prints a table, or JSON with --json; exits 1 when a target is missed or a run fails.
// Speed is measured here, never by timed tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const script = (path) => fileURLToPath(new URL(path, import.meta.url));
const bin = script('../bin/keywarden.js');
const rssHook = pathToFileURL(script('./bench-rss.mjs')).href;
const pagesScript = script('./bench-pages.mjs');
const cursorScript = script('./bench-cursor.mjs');
const registryServer = script('./verdaccio-server.mjs');

const asJson = process.argv.includes('--json');
const latencyMs = 40;
const concurrency = 8; // keywarden's default, and the page-number script's: the bench does not pass --concurrency
const sizes = {
  dialnexa: 5_000,
  dakotaSmall: 2_000,
  dakotaLarge: 10_000,
  cobo: 5_000,
  memory: 100_000,
  npmTokens: 200,
};
const reps = { startup: 15, list: 5, memory: 3 };
// a listing of 100,000 keys takes as long as the sandbox needs for 1,000 pages: fewer runs when that is slow
const memoryBudgetMs = 15_000;
const targets = { startup: 1.1, pages: 1.05, pagesRss: 1, dakotaSmall: 0.5, dakotaLarge: 0.3, cobo: 1.05, rssMb: 100 };

const configDir = mkdtempSync(join(tmpdir(), 'keywarden-bench-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARDEN_')));
Object.assign(env, {
  KEYWARDEN_TOKEN: randomBytes(18).toString('base64url'),
  KEYWARDEN_CONFIG_DIR: configDir,
  NO_COLOR: '1',
});

const progress = (text) => process.stderr.write(`bench: ${text}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** anything a measured process said on stderr, once each: a warning there is a finding too */
const stderrNotes = new Set();

/** Runs node with `args` to the end, stdout drained as it comes: wall time, lines on stdout, peak RSS if asked. */
function run(args, { rss = false, extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, rss ? ['--import', rssHook, ...args] : args, {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe', rss ? 'pipe' : 'ignore'],
    });
    let lines = 0;
    let stderr = '';
    let rssKb = '';
    child.stdout.on('data', (chunk) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdio[3]?.on('data', (chunk) => (rssKb += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      for (const line of stderr.split('\n')) {
        if (line.trim() && !line.startsWith('(Use `node --trace-warnings'))
          stderrNotes.add(line.replace(/^\(node:\d+\) /, ''));
      }
      const what = `node ${args.map((a) => a.replace(/^.*\/(bin|scripts)\//, '$1/')).join(' ')}`;
      if (code !== 0)
        reject(new Error(`${what} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ ms, lines, rssMb: rss ? Number(rssKb) / 1024 : undefined, what });
    });
  });
}

/** A run, checked to print `lines` lines where that is given (npm's --json is a document of its own layout). */
async function expectLines(runPromise, lines) {
  const result = await runPromise;
  if (lines !== undefined && result.lines !== lines)
    throw new Error(`${result.what} printed ${result.lines} lines, not ${lines}`);
  return result;
}

/** `keywarden sandbox` as its own process; resolves once it has printed its base URLs. */
function startSandbox(keys, latency) {
  const args = [
    bin,
    'sandbox',
    '--port',
    '0',
    '-o',
    'json',
    '--keys',
    String(keys),
    ...(latency ? ['--latency', String(latency)] : []),
  ];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      try {
        resolve({ baseUrls: JSON.parse(text.split('\n')[0]).base_urls, stop });
      } catch {
        reject(new Error(`the sandbox printed ${text.split('\n')[0]}, not its base URLs`));
        void stop();
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the sandbox (--keys ${keys}) exited with ${code} before it was ready`)),
    );
    child.once('error', reject);
  });
}

/**
 * A real npm registry (Verdaccio, as the tests start it) with one user and `tokens` access tokens, and a user config
 * that gives npm's own client the user's token, as `npm login` would.
 */
async function startRegistry(tokens) {
  const dir = mkdtempSync(join(tmpdir(), 'keywarden-bench-registry-'));
  const child = spawn(process.execPath, [registryServer, dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return exited.then(() => rmSync(dir, { recursive: true, force: true }));
  };
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    child.once('exit', (code) => reject(new Error(`verdaccio exited with ${code} before it listened`)));
  });
  const password = randomBytes(12).toString('hex');
  const signUp = await fetch(`${url}/-/user/org.couchdb.user:bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', password, type: 'user', roles: [] }),
  });
  const { token } = await signUp.json();
  for (let i = 0; i < tokens; i++) {
    const made = await fetch(`${url}/-/npm/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ password, readonly: false, cidr_whitelist: [] }),
    });
    if (made.status !== 200) throw new Error(`verdaccio made no token: ${made.status}`);
  }
  const userConfig = join(dir, 'npmrc');
  writeFileSync(userConfig, `${url.replace(/^http:/, '')}/:_authToken=${token}\n`, { mode: 0o600 });
  return { url, token, userConfig, stop };
}

const listArgs = (provider, baseUrl) => [
  bin,
  '--provider',
  provider,
  '--base-url',
  baseUrl,
  'list',
  '--status',
  'all',
  '-o',
  'ndjson',
];

/** keywarden and a script, alternating, `reps.list` runs each after a warm-up of both: the medians side by side. */
/**
 * keywarden and the other client, each `{ args, lines }`, alternating, `reps.list` runs each after a warm-up of both:
 * the runs side by side.
 */
async function sideBySide(keywarden, other, options = {}) {
  const ours = [];
  const theirs = [];
  for (const side of [keywarden, other]) await expectLines(run(side.args, options), side.lines);
  for (let i = 0; i < reps.list; i++) {
    const pair = [
      [ours, keywarden],
      [theirs, other],
    ];
    // who goes first alternates, so neither always meets a warmer sandbox
    if (i % 2 === 1) pair.reverse();
    for (const [into, side] of pair) into.push(await expectLines(run(side.args, options), side.lines));
  }
  return { ours, theirs };
}

const msOf = (runs) => runs.map((r) => r.ms);
const rssOf = (runs) => runs.map((r) => r.rssMb);

async function main() {
  const results = [];
  const result = (row) => {
    const ratio = row.reference && row.targetOn !== 'value' ? row.value / row.reference.value : null;
    const measured = row.targetOn === 'value' ? row.value : ratio;
    results.push({ ...row, ratio, pass: row.target === undefined ? null : measured <= row.target });
  };

  // 1. start-up: interleaved, the order rotating each round, after a warm-up; before the sandboxes start, whose
  // work in the background (100,000 keys made) would be measured with it
  progress(`start-up: ${reps.startup} rounds of node -e 0, keywarden --version, keywarden --help`);
  const startup = { node: ['-e', '0'], version: [bin, '--version'], help: [bin, '--help'] };
  const startupMs = { node: [], version: [], help: [] };
  const names = Object.keys(startup);
  for (let round = -2; round < reps.startup; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + Math.max(round, 0)) % names.length];
      const { ms } = await run(startup[name]);
      if (round >= 0) startupMs[name].push(ms);
    }
  }
  const nodeReference = { label: 'node -e 0', value: median(startupMs.node), runs: startupMs.node };
  for (const [id, flag] of [
    ['version', '--version'],
    ['help', '--help'],
  ]) {
    result({
      id: `startup-${id}`,
      measure: `start-up: keywarden ${flag}`,
      unit: 'ms',
      value: median(startupMs[id]),
      runs: startupMs[id],
      reference: nodeReference,
      target: targets.startup,
    });
  }

  const listed = [...new Set([sizes.dialnexa, sizes.dakotaSmall, sizes.dakotaLarge, sizes.cobo])];
  progress(`starting sandboxes: ${listed.join(', ')} keys with ${latencyMs} ms latency, and ${sizes.memory} without`);
  const sandboxes = await Promise.allSettled([
    ...listed.map((keys) => startSandbox(keys, latencyMs)),
    startSandbox(sizes.memory, 0),
  ]);
  const stopAll = () => Promise.all(sandboxes.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const failed = sandboxes.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const urls = sandboxes.map((s) => s.value.baseUrls);
    const slow = (keys) => urls[listed.indexOf(keys)];
    const big = urls[listed.length];

    // 2. page numbers: DialNexa against a script that asks for page 1, then 8 pages at a time; and the memory of both
    const dialnexaUrl = slow(sizes.dialnexa).dialnexa;
    progress(`DialNexa: ${sizes.dialnexa} keys, keywarden and the page-number script, ${reps.list} runs each`);
    const pages = await sideBySide(
      { args: listArgs('dialnexa', dialnexaUrl), lines: sizes.dialnexa },
      { args: [pagesScript, dialnexaUrl], lines: sizes.dialnexa },
      { rss: true },
    );
    const pagesMeasure = `list DialNexa ${sizes.dialnexa} keys (${sizes.dialnexa / 100} pages)`;
    result({
      id: 'list-pages',
      measure: pagesMeasure,
      unit: 'ms',
      value: median(msOf(pages.ours)),
      runs: msOf(pages.ours),
      reference: { label: 'script, 8 pages at a time', value: median(msOf(pages.theirs)), runs: msOf(pages.theirs) },
      target: targets.pages,
    });
    result({
      id: 'list-pages-rss',
      measure: `peak RSS: ${pagesMeasure}`,
      unit: 'MB',
      value: median(rssOf(pages.ours)),
      runs: rssOf(pages.ours),
      reference: { label: 'the same script', value: median(rssOf(pages.theirs)), runs: rssOf(pages.theirs) },
      target: targets.pagesRss,
    });

    // 3. cursors: Dakota walked in parts by creation time, Cobo page after page, against a script that follows the cursor
    for (const [id, keys, target] of [
      ['dakota-2000', sizes.dakotaSmall, targets.dakotaSmall],
      ['dakota-10000', sizes.dakotaLarge, targets.dakotaLarge],
    ]) {
      const url = slow(keys).dakota;
      progress(`Dakota: ${keys} keys, keywarden and the cursor script, ${reps.list} runs each`);
      const walk = await sideBySide(
        { args: listArgs('dakota', url), lines: keys },
        { args: [cursorScript, 'dakota', url], lines: keys },
      );
      result({
        id: `list-${id}`,
        measure: `list Dakota ${keys} keys (${keys / 100} cursor pages, in parts)`,
        unit: 'ms',
        value: median(msOf(walk.ours)),
        runs: msOf(walk.ours),
        reference: { label: 'script following the cursor', value: median(msOf(walk.theirs)), runs: msOf(walk.theirs) },
        target,
      });
    }
    const coboUrl = slow(sizes.cobo).cobo;
    progress(`Cobo: ${sizes.cobo} keys, keywarden and the cursor script, ${reps.list} runs each`);
    const cobo = await sideBySide(
      { args: listArgs('cobo', coboUrl), lines: sizes.cobo },
      { args: [cursorScript, 'cobo', coboUrl], lines: sizes.cobo },
    );
    result({
      id: 'list-cobo',
      measure: `list Cobo ${sizes.cobo} keys (${sizes.cobo / 200} cursor pages)`,
      unit: 'ms',
      value: median(msOf(cobo.ours)),
      runs: msOf(cobo.ours),
      reference: { label: 'script following the cursor', value: median(msOf(cobo.theirs)), runs: msOf(cobo.theirs) },
      target: targets.cobo,
    });

    // 4. npm access tokens on a real registry: keywarden through its npm manifest, and npm's own `npm token list`
    progress(`npm: ${sizes.npmTokens} tokens on Verdaccio, keywarden and npm token list, ${reps.list} runs each`);
    const registry = await startRegistry(sizes.npmTokens);
    try {
      const npmCli = process.env.npm_execpath;
      if (!npmCli) throw new Error('run the bench with npm run bench: npm_execpath names npm itself');
      const extraEnv = { KEYWARDEN_TOKEN: registry.token, npm_config_userconfig: registry.userConfig };
      const npm = await sideBySide(
        { args: listArgs('npm', registry.url), lines: sizes.npmTokens },
        { args: [npmCli, 'token', 'list', '--json', '--registry', `${registry.url}/`] },
        { extraEnv },
      );
      result({
        id: 'list-npm',
        measure: `list npm ${sizes.npmTokens} access tokens (Verdaccio)`,
        unit: 'ms',
        value: median(msOf(npm.ours)),
        runs: msOf(npm.ours),
        reference: { label: 'npm token list --json', value: median(msOf(npm.theirs)), runs: msOf(npm.theirs) },
      });
    } finally {
      await registry.stop();
    }

    // 5. peak RSS of the keywarden process streaming many keys into a drained pipe
    const nodeRss = (await run(['-e', '0'], { rss: true })).rssMb;
    for (const provider of ['dialnexa', 'dakota']) {
      progress(`peak RSS: ${provider}, ${sizes.memory} keys -o ndjson, up to ${reps.memory} runs`);
      const rss = [];
      const started = performance.now();
      while (rss.length < reps.memory && (rss.length === 0 || performance.now() - started < memoryBudgetMs)) {
        rss.push((await expectLines(run(listArgs(provider, big[provider]), { rss: true }), sizes.memory)).rssMb);
      }
      result({
        id: `rss-${provider}`,
        measure: `peak RSS: ${provider === 'dialnexa' ? 'DialNexa' : 'Dakota'} ${sizes.memory} keys -o ndjson`,
        unit: 'MB',
        value: median(rss),
        runs: rss,
        reference: { label: 'node -e 0', value: nodeRss },
        target: targets.rssMb,
        targetOn: 'value',
      });
    }
  } finally {
    await stopAll();
    rmSync(configDir, { recursive: true, force: true });
  }

  const pass = results.every((r) => r.pass !== false);
  const notes = [
    `every listing: ${latencyMs} ms latency a request, keywarden with -o ndjson and the scripts printing each key as JSON as it comes, runs alternating; ratio = keywarden / the other`,
    'the scripts (scripts/bench-pages.mjs, scripts/bench-cursor.mjs) use fetch and normalise nothing',
    ...[...stderrNotes].map((line) => `stderr of a measured run: ${line}`),
  ];
  if (asJson) {
    const settings = { latencyMs, concurrency, sizes, reps, memoryBudgetMs };
    const round = (value) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value);
    const summary = {
      node: process.version,
      platform: process.platform,
      cpus: availableParallelism(),
      settings,
      results,
      notes,
      pass,
    };
    process.stdout.write(`${JSON.stringify(summary, (_, value) => round(value), 2)}\n`);
  } else {
    printTable(results, notes, pass);
  }
  return pass ? 0 : 1;
}

function printTable(results, notes, pass) {
  const amount = (value, unit) => (unit === 'MB' ? `${value.toFixed(1)} MB` : `${value.toFixed(0)} ms`);
  const rows = results.map((r) => [
    r.measure,
    String(r.runs.length),
    amount(r.value, r.unit),
    r.reference ? `${r.reference.label}: ${amount(r.reference.value, r.unit)}` : '',
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
    r.target === undefined ? 'info' : r.targetOn === 'value' ? `<= ${r.target} ${r.unit}` : `<= ${r.target}x`,
    r.pass === null ? '' : r.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['measure', 'runs', 'median', 'bound / baseline', 'ratio', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const rightAligned = new Set([1, 2, 4]);
  const line = (cells) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...notes.map((n) => `- ${n}`),
  ];
  out.push(
    '',
    `node ${process.version}, ${availableParallelism()} CPUs: ${pass ? 'every target met' : 'a target was missed'}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exitCode = 1;
  },
);
