// Renders a vega-lite spec to an SVG string in Node: vega-lite compiles it to vega, vega draws it headless (no browser).
import type { TopLevelSpec } from 'vega-lite';

/** vega-lite's compile warnings are about our own specs, not the user's input: keep them off the terminal. */
const quiet = {
  level(): number {
    return 0;
  },
  error(...args: readonly unknown[]): never {
    throw new Error(`vega-lite: ${args.join(' ')}`);
  },
  warn() {
    return quiet;
  },
  info() {
    return quiet;
  },
  debug() {
    return quiet;
  },
};

/**
 * Shrinks vega's SVG without changing what it draws: numbers in geometry attributes keep 2 decimals (1/100 px),
 * per-mark aria labels (the tooltip text of each point, useless in a static page) are dropped.
 */
export function compactSvg(svg: string): string {
  return svg
    .replace(/ aria-label="[^"]*"(?= role="graphics-symbol")/g, '')
    .replace(/\b(d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g, (_, k: string, v: string) => `${k}="${v.replace(/(\d+\.\d\d)\d+/g, '$1')}"`);
}

/** An SVG string for a vega-lite spec. vega and vega-lite are imported on first use (they cost ~0.3 s to load). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec, { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}
