/**
 * Whether the designer offers your saved draft when it opens: only a draft written after the current revision
 * was saved (an older one was overtaken by a save, yours or someone else's) and different from what the page
 * shows. Pure, for vitest.
 */
import type { Draft } from "../code/api";

export function isDraftWorthOffering(draft: Draft | null, revisionSavedAt: string, shownText: string): draft is Draft {
  if (draft === null || draft.definition === shownText) return false;
  return Date.parse(draft.updated_at) > Date.parse(revisionSavedAt);
}
