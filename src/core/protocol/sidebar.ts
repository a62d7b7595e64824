/**
 * Messages between the extension and the sidebar webview (`hpstudio.sidebar`). Both ends import
 * this file: the types keep them in step at compile time, the checks at run time.
 */
import { arr, bool, int, lit, nullable, obj, oneOf, optional, str, union, type Check } from './validate';

export interface DetectedConfigSummary {
  /** Workspace-relative path, for display. */
  readonly path: string;
  /** URI string the extension can open. */
  readonly uri: string;
  readonly format: string | null;
  readonly hyperparameters: number;
  /** First hyperparameter's location, so a click opens the file at the setting. */
  readonly line: number;
  readonly character: number;
}

export interface SidebarState {
  readonly scanning: boolean;
  readonly trusted: boolean;
  readonly configs: readonly DetectedConfigSummary[];
  /** Files skipped or unreadable, with the reason (too large, parse error…). */
  readonly problems: readonly { readonly path: string; readonly message: string }[];
  readonly message: string | null;
}

export type HostToSidebar = { type: 'state'; state: SidebarState };

export type SidebarToHost =
  | { type: 'ready' }
  | { type: 'scan' }
  | { type: 'openConfig'; uri: string; line: number; character: number }
  | { type: 'command'; command: 'tuneFile' | 'showCurves' | 'stopStudy'; uri?: string };

const configSummary = obj({ path: str(4096), uri: str(8192), format: nullable(str(100)), hyperparameters: int, line: int, character: int });
const sidebarState = obj({
  scanning: bool,
  trusted: bool,
  configs: arr(configSummary, 50_000),
  problems: arr(obj({ path: str(4096), message: str(2000) }), 50_000),
  message: nullable(str(2000)),
});

export const hostToSidebar: Check<HostToSidebar> = union<HostToSidebar>({ state: obj({ type: lit('state'), state: sidebarState }) as Check<HostToSidebar> });

export const sidebarToHost: Check<SidebarToHost> = union<SidebarToHost>({
  ready: obj({ type: lit('ready') }),
  scan: obj({ type: lit('scan') }),
  openConfig: obj({ type: lit('openConfig'), uri: str(8192), line: int, character: int }),
  command: obj({ type: lit('command'), command: oneOf('tuneFile', 'showCurves', 'stopStudy'), uri: optional(str(8192)) }),
});
