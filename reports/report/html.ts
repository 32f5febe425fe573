// The HTML page of a report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched when viewed).

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Cell {
  text: string;
  /** Numbers are right-aligned (the default for anything that is not the first column). */
  align?: 'left' | 'right';
}

/** An HTML table; the first column is left-aligned, the others right-aligned unless a cell says otherwise. */
export function htmlTable(headers: readonly string[], rows: readonly (readonly (string | Cell)[])[], caption?: string): string {
  const cell = (tag: 'td' | 'th', c: string | Cell, j: number) => {
    const text = typeof c === 'string' ? c : c.text;
    const align = (typeof c === 'string' ? undefined : c.align) ?? (j === 0 ? 'left' : 'right');
    return `<${tag}${align === 'left' ? ' class="l"' : ''}>${esc(text)}</${tag}>`;
  };
  return [
    '<table>',
    caption ? `<caption>${esc(caption)}</caption>` : '',
    `<thead><tr>${headers.map((h, j) => cell('th', h, j)).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c, j) => cell('td', c, j)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

/** A chart with its statistics beside it. `svg` is trusted markup from vega; `aside` is HTML built with esc(). */
export function chartRow(id: string, svg: string, aside: string, caption?: string): string {
  const cap = caption ? `<figcaption>${esc(caption)}</figcaption>` : '';
  return `<section class="row" id="${esc(id)}"><figure class="chart" data-chart="${esc(id)}">${svg}${cap}</figure><aside>${aside}</aside></section>`;
}

export function note(text: string): string {
  return `<p class="note">${esc(text)}</p>`;
}

const CSS = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --line: #e3e3e3; --accent: #0072B2; --bg-soft: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
header.top { padding: 22px 32px 14px; border-bottom: 1px solid var(--line); background: var(--bg-soft); }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; }
header.top p { margin: 2px 0; color: var(--muted); }
main { padding: 8px 32px 32px; max-width: 1320px; }
h2 { font-size: 19px; margin: 28px 0 6px; padding-top: 10px; border-top: 2px solid var(--fg); }
h3 { font-size: 14px; margin: 0 0 6px; }
h3.venue { font-size: 16px; margin: 26px 0 4px; padding-top: 8px; border-top: 1px solid var(--line); }
nav.toc { margin: 6px 0 4px; color: var(--muted); }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.row { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; margin: 18px 0; padding-bottom: 14px; border-bottom: 1px solid var(--line); }
figure.chart { margin: 0; flex: 0 1 auto; max-width: 100%; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12.5px; max-width: 780px; margin: 4px 0 0 8px; }
aside { flex: 1 1 340px; min-width: 300px; max-width: 560px; overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 12.5px; margin: 0 0 10px; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; font-size: 13px; }
th, td { padding: 3px 8px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; color: #333; border-bottom: 1px solid #999; vertical-align: bottom; white-space: normal; }
th.l, td.l { text-align: left; }
tbody tr:nth-child(even) { background: #fafbfc; }
.summary { max-width: 100%; overflow-x: auto; }
.summary table { font-size: 13px; }
p.note { color: var(--muted); font-size: 12.5px; margin: 4px 0 8px; max-width: 760px; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; }
footer { padding: 14px 32px 28px; color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line); }
`;

export function page(title: string, header: string, body: string, footer: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bulwark">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">${header}</header>
<main>
${body}
</main>
<footer>${footer}</footer>
</body>
</html>
`;
}
