import * as vscode from 'vscode';

/**
 * Tuning runs programs from the workspace, so it needs Workspace Trust. Hiding the commands in the UI is
 * not enough — any extension or keybinding can still call `executeCommand` — so each trusted command
 * checks trust itself and refuses with a message that says why.
 */
export const UNTRUSTED_MESSAGE =
  'Hyperparameter Studio: tuning runs programs from this workspace, so it is disabled in Restricted Mode. ' +
  'Trust the workspace (Manage Workspace Trust) to enable it; detection and hovers keep working.';

export type TrustPort = Pick<typeof vscode.workspace, 'isTrusted'>;

export function requireTrust<A extends unknown[], R>(
  trust: TrustPort,
  notify: (message: string) => unknown,
  run: (...args: A) => R,
): (...args: A) => R | undefined {
  return (...args: A) => {
    // Read on every call: trust can be granted at any time, without a reload.
    if (!trust.isTrusted) {
      notify(UNTRUSTED_MESSAGE);
      return undefined;
    }
    return run(...args);
  };
}
