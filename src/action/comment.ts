// The sticky PR comment: one per pull request, found by its hidden marker and updated in place.
import { COMMENT_MARKER } from '../core/report.js';

export interface CommentApi {
  list(): Promise<{ id: number; body?: string | null }[]>;
  create(body: string): Promise<void>;
  update(id: number, body: string): Promise<void>;
}

/** Updates the first comment carrying the marker, or creates one; never posts a second. */
export async function upsertComment(api: CommentApi, body: string): Promise<'created' | 'updated'> {
  const existing = (await api.list()).find((c) => c.body?.includes(COMMENT_MARKER));
  if (existing) {
    await api.update(existing.id, body);
    return 'updated';
  }
  await api.create(body);
  return 'created';
}
