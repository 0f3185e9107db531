// Driving VS Code's workbench as a user does, through its accessibility tree: the explorer tree, context
// menus (role menu / menuitem), the quick input (combobox / option), notifications, the activity bar,
// views, editor tabs, and webviews (two nested iframes).

import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Upper bounds for waits: generous for a 2-core machine, never unbounded. */
export const WAIT = {
  ui: 30_000,
  workbench: 90_000,
  training: 180_000,
} as const;

const EXTENSION_TAB = 'Fine-Tune';

/** The workbench is up and the Explorer shows the workspace folder. */
export async function waitForWorkbench(page: Page, waitForExplorer: boolean): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: WAIT.workbench });
  if (waitForExplorer) await page.getByRole('tree', { name: /Files Explorer/ }).waitFor({ timeout: WAIT.workbench });
}

/**
 * The extension's contributions are registered: its activity-bar entry is shown. Before this, the
 * Explorer's context menu does not have the extension's items yet.
 */
export async function waitForExtension(page: Page): Promise<void> {
  await activityBarTab(page).waitFor({ timeout: WAIT.workbench });
}

/** An activity-bar entry; its accessible name may carry a badge after the title ("Fine-Tune - 1 running"). */
export function activityBarTab(page: Page, name = EXTENSION_TAB): Locator {
  return page
    .getByRole('tablist', { name: 'Active View Switcher' })
    .getByRole('tab', { name: new RegExp(`^${escapeRegExp(name)}(\\b|$)`) })
    .first();
}

export function explorerItem(page: Page, name: string): Locator {
  return page.getByRole('tree', { name: /Files Explorer/ }).getByRole('treeitem', { name, exact: true });
}

/** The context menu on screen. */
export function contextMenu(page: Page): Locator {
  return page.getByRole('menu');
}

/**
 * Right-clicks `target` and clicks the menu item `itemName`. An open menu does not update, so when the
 * item is missing or disabled the menu is closed and opened again, until `timeoutMs`: an item contributed
 * by an extension appears once the extension host has registered it, and an item with an `enablement`
 * clause (e.g. isWorkspaceTrusted) is enabled once its context keys are set.
 * With `expectDisabled`, waits for the item to be shown disabled and leaves the menu open.
 */
export async function chooseFromContextMenu(
  page: Page,
  target: Locator,
  itemName: string | RegExp,
  options: { timeoutMs?: number; expectDisabled?: boolean } = {},
): Promise<Locator> {
  const item = contextMenu(page).getByRole('menuitem', { name: itemName }).first();
  const deadline = Date.now() + (options.timeoutMs ?? WAIT.ui);
  let seen = 'the menu did not open';
  for (;;) {
    await target.click({ button: 'right' });
    try {
      await contextMenu(page).first().waitFor({ timeout: 5_000 });
      await item.waitFor({ timeout: 2_000 });
      const disabled = (await item.getAttribute('aria-disabled')) === 'true';
      if (disabled === (options.expectDisabled ?? false)) break;
      seen = `the item is ${disabled ? 'disabled' : 'enabled'}`;
    } catch {
      seen = `no item ${String(itemName)} in the menu`;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`context menu of ${String(target)}: ${seen}`);
    await page.waitForTimeout(1_000);
  }
  if (!options.expectDisabled) {
    // VS Code ignores a mouse-up that comes too soon after the menu opened (the right-click's own
    // release): pause like a user, and click again while the menu is still open.
    await page.waitForTimeout(400);
    for (let attempt = 0; ; attempt++) {
      await item.click();
      try {
        await contextMenu(page).first().waitFor({ state: 'hidden', timeout: 2_000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }
  return item;
}

/** The quick input (quick pick, input box, command palette). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/** The quick input's text field: a combobox for quick picks, a textbox in the Command Palette. */
export function quickInputBox(page: Page): Locator {
  const widget = quickInput(page);
  return widget.getByRole('combobox').or(widget.getByRole('textbox')).first();
}

export function quickPickOption(page: Page, name: string | RegExp): Locator {
  return quickInput(page).getByRole('option', { name });
}

/** Runs a command from the Command Palette by its title, as typed by a user. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const box = quickInputBox(page);
  await box.waitFor({ timeout: WAIT.ui });
  await box.fill(`>${title}`);
  const option = quickPickOption(page, new RegExp(`^${escapeRegExp(title)}`));
  await option.first().waitFor({ timeout: WAIT.ui });
  await box.press('Enter');
}

/** Notification toasts (and the notification center when open); their accessible name holds the message. */
export function notification(page: Page, message: string | RegExp): Locator {
  const pattern = typeof message === 'string' ? new RegExp(escapeRegExp(message)) : message;
  return page.locator('.notifications-toasts, .notifications-center').getByRole('dialog', { name: pattern });
}

/** A button inside a notification (e.g. "Open Report"). */
export function notificationButton(toast: Locator, name: string): Locator {
  return toast.getByRole('button', { name, exact: true });
}

/** The status-bar entry that counts problems, e.g. "1 error" / "No Problems". */
export function problemsStatus(page: Page): Locator {
  return page.getByRole('status').getByRole('button', { name: /Problems|Errors?|Warnings?/i }).first();
}

/** Opens the Problems panel from its status-bar entry and returns its tree of markers. */
export async function openProblems(page: Page): Promise<Locator> {
  await problemsStatus(page).click();
  const tree = page.getByRole('tree', { name: /^Showing \d+ problems?|Problems/ });
  await tree.waitFor({ timeout: WAIT.ui });
  return tree;
}

/** An editor tab by its title. */
export function editorTab(page: Page, title: string | RegExp): Locator {
  return page.getByRole('tablist').getByRole('tab', { name: title });
}

/** A view's tree in the side bar (e.g. "Runs"), by the view's name. */
export function viewTree(page: Page, viewName: string): Locator {
  return page.locator('.pane').filter({ has: page.getByRole('heading', { name: viewName, exact: true }) }).getByRole('tree');
}

/** A collapsible view header ("Runs Section"), to expand a collapsed view. */
export function viewHeader(page: Page, viewName: string): Locator {
  return page.getByRole('button', { name: new RegExp(`^${escapeRegExp(viewName)} Section`) });
}

/** Opens the extension's activity-bar container. */
export async function openExtensionSidebar(page: Page): Promise<void> {
  const tab = activityBarTab(page);
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/**
 * The content of the visible webview whose editor tab is `title`. A webview is two nested iframes:
 * an outer `iframe.webview` (VS Code's host page) and an inner `#active-frame` with the extension's HTML.
 * Hidden webviews stay in the DOM but invisible, so the visible outer iframe is the active one.
 */
export async function webviewContent(page: Page, title: string | RegExp): Promise<FrameLocator> {
  const tab = editorTab(page, title);
  await tab.first().waitFor({ timeout: WAIT.ui });
  if ((await tab.first().getAttribute('aria-selected')) !== 'true') await tab.first().click();
  const outer = page.locator('iframe.webview').filter({ visible: true });
  await outer.first().waitFor({ timeout: WAIT.ui });
  const inner = outer.first().contentFrame().locator('iframe#active-frame');
  await inner.waitFor({ state: 'attached', timeout: WAIT.ui });
  return inner.contentFrame();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
