// One colour per run, from VS Code's chart colours (so they follow the theme), then evenly spread
// hues for runs beyond them: there is no cap on the number of runs.

const THEME_VARS: readonly [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

/** The colour of slot `slot`: the theme's colours first, then golden-angle hues. Pure. */
export function slotColor(slot: number, themeColors: readonly string[]): string {
  if (slot >= 0 && slot < themeColors.length) return themeColors[slot];
  const k = slot - themeColors.length;
  const hue = Math.round((200 + k * 137.508) % 360);
  const lightness = 45 + ((k * 7) % 3) * 10;
  return `hsl(${hue}, 65%, ${lightness}%)`;
}

export function readThemeColors(): string[] {
  const style = getComputedStyle(document.body);
  return THEME_VARS.map(([name, fallback]) => style.getPropertyValue(name).trim() || fallback);
}
