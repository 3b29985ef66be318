/**
 * The report page's own style and script, inline so the file works opened from disk, printed, or mailed, with no
 * network at all. The page's Content-Security-Policy allows exactly these two by their hashes and nothing else.
 */

export const reportStyle = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #c9d1d9; --paper: #ffffff; --band: #f4f6f8;
  --high: #a4161a; --medium: #8a4b00; --low: #3d5a00; --bar: #2f5d8a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--paper); }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 20px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 16px 0 6px; }
p, dl { margin: 6px 0; }
.meta { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; background: var(--band); }
.cards strong { display: block; font-size: 1.5rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--band); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.sev { font-weight: 600; white-space: nowrap; }
td.id code { white-space: nowrap; }
.sev-high { color: var(--high); }
.sev-medium { color: var(--medium); }
.sev-low { color: var(--low); }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; }
th[aria-sort="descending"] button::after { content: " \\2193"; }
button:focus-visible, select:focus-visible, input:focus-visible, .scroll:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: flex-end; margin: 8px 0; }
form.filters label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
form.filters select, form.filters input { font: inherit; padding: 4px 6px; border: 1px solid #6e7781; border-radius: 4px;
  color: var(--ink); background: var(--paper); min-width: 9rem; }
output { color: var(--muted); }
details.fix summary { cursor: pointer; color: var(--muted); }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .bar { fill: var(--bar); }
svg .axis { stroke: var(--muted); }
svg .expired { fill: var(--high); }
svg .upcoming { fill: var(--medium); }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); padding: 24px 16px; }
@media (max-width: 600px) { body { font-size: 14px; } .cards li { min-width: 0; flex: 1 1 40%; } }
@media print {
  form.filters, output, th button::after { display: none; }
  tr[hidden] { display: table-row; }
  details.fix > *:not(summary) { display: block; }
  .scroll { overflow: visible; }
  body { font-size: 11px; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
`;

/** Filters by severity, rule, provider, profile and text; sorts by any column with a button; says what is shown. */
export const reportScript = `
(() => {
  const table = document.getElementById('findings');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const form = document.getElementById('filters');
  const shown = document.getElementById('shown');
  const fields = ['severity', 'rule', 'provider', 'profile'];
  const apply = () => {
    const text = form.elements.namedItem('text').value.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const visible = fields.every((field) => {
        const wanted = form.elements.namedItem(field).value;
        return wanted === '' || row.dataset[field] === wanted;
      }) && (text === '' || row.dataset.text.includes(text));
      row.hidden = !visible;
      if (visible) count += 1;
    }
    shown.value = count + ' of ' + rows.length + ' findings shown';
  };
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => event.preventDefault());
  const compare = (a, b) => {
    const x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  for (const button of table.querySelectorAll('thead button')) {
    button.addEventListener('click', () => {
      const heading = button.parentElement;
      const ascending = heading.getAttribute('aria-sort') !== 'ascending';
      for (const other of table.querySelectorAll('thead th')) other.removeAttribute('aria-sort');
      heading.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = button.dataset.sort;
      const sorted = rows.slice().sort((a, b) => compare(a.dataset[key], b.dataset[key]) * (ascending ? 1 : -1));
      body.append(...sorted);
    });
  }
  apply();
})();
`;
