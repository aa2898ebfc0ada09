/**
 * The explicit registry of report renderings, by the name the CLI's `--format` takes. Every
 * renderer works from a run directory's content alone (`RunData`).
 */
import type { RunData } from '../run-dir/run-data.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';

/** A renderer: the run in, the whole document out. */
export type Renderer = (run: RunData) => string;

/** Format name -> renderer. */
export const REPORT_FORMATS = {
  text: renderText,
  json: renderJson,
  md: renderMarkdown,
  html: renderHtml,
} as const satisfies Record<string, Renderer>;

/** A format name the registry knows. */
export type ReportFormat = keyof typeof REPORT_FORMATS;

/** The names, for the CLI's choices. */
export const REPORT_FORMAT_NAMES = Object.keys(REPORT_FORMATS) as ReportFormat[];

/** Renders a run in the given format. */
export function renderReport(run: RunData, format: ReportFormat): string {
  return REPORT_FORMATS[format](run);
}
