// The HTML shell of every webview panel: strict CSP (default-src 'none', scripts by nonce,
// no inline handlers, no eval), local resources only through asWebviewUri.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewShell {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  /** dist/webview/<script>.js */
  script: string;
  /** CSS files under media/. */
  styles: string[];
  title: string;
}

/** Options for createWebviewPanel: scripts on, resources limited to dist/webview and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function renderWebviewHtml(shell: WebviewShell): string {
  const nonce = randomBytes(16).toString('base64');
  const { webview, extensionUri } = shell;
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${shell.script}.js`));
  const styles = shell.styles
    .map((s) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', s)).toString()}">`)
    .join('\n    ');
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(shell.title)}</title>
  </head>
  <body>
    <div id="app" role="main"></div>
    <script nonce="${nonce}" src="${scriptUri.toString()}"></script>
  </body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
