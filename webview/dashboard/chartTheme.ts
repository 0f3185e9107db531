// Chart colours and fonts from VS Code's theme variables, so curves follow light, dark and high
// contrast themes. Read again when the theme changes (the body's class changes).

export interface ChartTheme {
  foreground: string;
  grid: string;
  font: string;
  /** The colour of a series by its key. */
  colorOf(key: string): string;
  best: string;
  last: string;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

const SERIES_VARS: Record<string, string> = {
  'train/loss': '--vscode-charts-blue',
  'validation/loss': '--vscode-charts-orange',
  'validation/accuracy': '--vscode-charts-green',
  'validation/macroF1': '--vscode-charts-purple',
  'validation/mae': '--vscode-charts-red',
  'validation/rmse': '--vscode-charts-orange',
  'validation/r2': '--vscode-charts-purple',
  'train/learningRate': '--vscode-charts-purple',
  throughput: '--vscode-charts-green',
};

const FALLBACKS: Record<string, string> = {
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
};

const EXTRA = ['--vscode-charts-yellow', '--vscode-charts-red', '--vscode-charts-blue', '--vscode-charts-green'];

export function readChartTheme(): ChartTheme {
  const colors = new Map<string, string>();
  for (const [name, fallback] of Object.entries(FALLBACKS)) colors.set(name, cssVar(name, fallback));
  const foreground = cssVar('--vscode-charts-foreground', cssVar('--vscode-foreground', '#cccccc'));
  const grid = cssVar('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)');
  const family = cssVar('--vscode-font-family', 'sans-serif');
  const extra = new Map<string, string>();
  return {
    foreground,
    grid,
    font: `11px ${family}`,
    colorOf(key: string): string {
      const known = SERIES_VARS[key];
      if (known) return colors.get(known) ?? '#888888';
      let color = extra.get(key);
      if (!color) {
        color = colors.get(EXTRA[extra.size % EXTRA.length]) ?? '#888888';
        extra.set(key, color);
      }
      return color;
    },
    best: colors.get('--vscode-charts-green') ?? '#89d185',
    last: foreground,
  };
}
