/** How a per-domain comparer (review/changes/*.ts) reports a change: diff.ts gives each its section's kind. */
import type { ChangeSeverity } from "../diff";

/** Records one change; its kind is the section's unless the text is about encryption. */
export type Add = (severity: ChangeSeverity, text: string, address?: string) => void;
