// npm run bench: keywarden's start-up, listing speed against its lower bounds, and peak memory, measured against
// the sandbox (a separate process) with injected latency. Prints a table, or JSON with --json; exits 1 when a target
// is missed or a run fails. Speed is measured here, never by timed tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const script = (path) => fileURLToPath(new URL(path, import.meta.url));
const bin = script('../bin/keywarden.js');
const rssHook = pathToFileURL(script('./bench-rss.mjs')).href;
const sequentialClient = script('./bench-sequential.mjs');

const asJson = process.argv.includes('--json');
const latencyMs = 40;
const pageSize = 100; // what the DialNexa and Dakota adapters ask for
const concurrency = 8; // keywarden's default: the bench does not pass --concurrency
const speedKeys = 10_000;
const memoryKeys = 100_000;
const reps = { startup: 15, list: 7, sequential: 3, cursor: 3, memory: 3 };
// a listing of 100,000 keys takes as long as the sandbox needs for 1,000 pages: fewer runs when that is slow
const memoryBudgetMs = 15_000;
const targets = { startup: 1.5, numbered: 1.3, cursor: 1.2, rssMb: 100 };

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
function run(args, { rss = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, rss ? ['--import', rssHook, ...args] : args, {
      env,
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

async function expectLines(runPromise, lines) {
  const result = await runPromise;
  if (result.lines !== lines) throw new Error(`${result.what} printed ${result.lines} lines, not ${lines}`);
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

async function main() {
  const results = [];
  const result = (row) => {
    const ratio = row.reference && row.targetOn !== 'value' ? row.value / row.reference.value : null;
    const measured = row.targetOn === 'value' ? row.value : ratio;
    results.push({ ...row, ratio, pass: row.target === undefined ? null : measured <= row.target });
  };

  progress(`starting sandboxes: ${speedKeys} keys with ${latencyMs} ms latency, and ${memoryKeys} keys without`);
  const sandboxes = await Promise.allSettled([startSandbox(speedKeys, latencyMs), startSandbox(memoryKeys, 0)]);
  const stopAll = () => Promise.all(sandboxes.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const failed = sandboxes.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [slow, big] = sandboxes.map((s) => s.value.baseUrls);

    // 1. start-up: interleaved, the order rotating each round, after a warm-up
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
    const nodeMs = median(startupMs.node);
    const startupOf = median(startupMs.version);
    const nodeReference = { label: 'node -e 0', value: nodeMs };
    result({
      id: 'startup-version',
      measure: 'start-up: keywarden --version',
      unit: 'ms',
      value: startupOf,
      runs: startupMs.version,
      reference: nodeReference,
      target: targets.startup,
    });
    result({
      id: 'startup-help',
      measure: 'start-up: keywarden --help',
      unit: 'ms',
      value: median(startupMs.help),
      runs: startupMs.help,
      reference: nodeReference,
    });

    // 2. page-number pagination, concurrent, against its bound and against fetching the pages one by one
    const pages = speedKeys / pageSize;
    const rounds = 1 + Math.ceil((pages - 1) / concurrency);
    progress(
      `DialNexa: ${speedKeys} keys, ${pages} pages, ${reps.list} runs of keywarden and ${reps.sequential} of the sequential client`,
    );
    const numbered = [];
    const sequential = [];
    await expectLines(run(listArgs('dialnexa', slow.dialnexa)), speedKeys); // warm-up, of the sandbox too
    for (let i = 0; i < Math.max(reps.list, reps.sequential); i++) {
      if (i < reps.list) numbered.push((await expectLines(run(listArgs('dialnexa', slow.dialnexa)), speedKeys)).ms);
      if (i < reps.sequential)
        sequential.push((await expectLines(run([sequentialClient, slow.dialnexa]), speedKeys)).ms);
    }
    const numberedMeasure = `list DialNexa ${speedKeys} keys (${pages} pages, concurrency ${concurrency})`;
    result({
      id: 'list-numbered',
      measure: numberedMeasure,
      unit: 'ms',
      value: median(numbered),
      runs: numbered,
      reference: {
        label: `bound ${startupOf.toFixed(0)} + ${latencyMs} x ${rounds}`,
        value: startupOf + latencyMs * rounds,
      },
      target: targets.numbered,
    });
    result({
      id: 'list-numbered-vs-sequential',
      measure: numberedMeasure,
      unit: 'ms',
      value: median(numbered),
      runs: numbered,
      reference: { label: 'sequential fetch client', value: median(sequential), runs: sequential },
    });

    // 3. cursor pagination: one page after another is all it allows
    progress(`Dakota: ${speedKeys} keys, ${pages} pages, ${reps.cursor} runs`);
    const cursor = [];
    await expectLines(run(listArgs('dakota', slow.dakota)), speedKeys);
    for (let i = 0; i < reps.cursor; i++)
      cursor.push((await expectLines(run(listArgs('dakota', slow.dakota)), speedKeys)).ms);
    result({
      id: 'list-cursor',
      measure: `list Dakota ${speedKeys} keys (${pages} pages, cursor)`,
      unit: 'ms',
      value: median(cursor),
      runs: cursor,
      reference: {
        label: `bound ${startupOf.toFixed(0)} + ${latencyMs} x ${pages}`,
        value: startupOf + latencyMs * pages,
      },
      target: targets.cursor,
    });

    // 4. peak RSS of the keywarden process streaming many keys into a drained pipe
    const nodeRss = (await run(['-e', '0'], { rss: true })).rssMb;
    for (const provider of ['dialnexa', 'dakota']) {
      progress(`peak RSS: ${provider}, ${memoryKeys} keys -o ndjson, up to ${reps.memory} runs`);
      const rss = [];
      const started = performance.now();
      while (rss.length < reps.memory && (rss.length === 0 || performance.now() - started < memoryBudgetMs)) {
        rss.push((await expectLines(run(listArgs(provider, big[provider]), { rss: true }), memoryKeys)).rssMb);
      }
      result({
        id: `rss-${provider}`,
        measure: `peak RSS: ${provider === 'dialnexa' ? 'DialNexa' : 'Dakota'} ${memoryKeys} keys -o ndjson`,
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
    `start-up in the bounds is the median of keywarden --version above; a bound is start-up + ${latencyMs} ms x request rounds`,
    `DialNexa rounds: 1 + ceil(${speedKeys / pageSize - 1} / ${concurrency}); Dakota rounds: one per page`,
    ...[...stderrNotes].map((line) => `stderr of a measured run: ${line}`),
  ];
  if (asJson) {
    const settings = { latencyMs, pageSize, concurrency, speedKeys, memoryKeys, reps, memoryBudgetMs };
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
