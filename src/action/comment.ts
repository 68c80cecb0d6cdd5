// The sticky PR comment: one per pull request, found by its hidden marker AND its author, and updated in place.
import * as github from '@actions/github';
import { COMMENT_MARKER } from './report.js';

/** The login of comments made with the workflow's GITHUB_TOKEN (the GitHub Actions app's bot user). */
export const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]';

export interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
}

export interface CommentApi {
  list(): Promise<IssueComment[]>;
  create(body: string): Promise<void>;
  update(id: number, body: string): Promise<void>;
  /** The login that comments made with this token carry. */
  author(): Promise<string>;
}

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
  /** GitHub REST API base URL; `GITHUB_API_URL` (or api.github.com) when unset. */
  apiUrl?: string;
}

/**
 * The comments of one pull request through GitHub's REST API ("Issues > Comments": list, create,
 * update). The token's identity comes from `GET /user` (personal and user tokens); an installation
 * token, such as the workflow GITHUB_TOKEN, is refused there with 403 and comments as
 * `github-actions[bot]`. Errors are Octokit's RequestError (with `status`).
 */
export function pullRequestComments(token: string, pr: PullRequestRef): CommentApi {
  const octokit = github.getOctokit(token, pr.apiUrl ? { baseUrl: pr.apiUrl } : {});
  const { owner, repo, number } = pr;
  let login: Promise<string> | null = null;
  return {
    list: () => octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
    create: async (body) => void (await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })),
    update: async (id, body) => void (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })),
    author: () =>
      (login ??= octokit.rest.users.getAuthenticated().then(
        ({ data }) => data.login,
        (error: unknown) => {
          // "Resource not accessible by integration": an installation token, which has no user of its own.
          if ((error as { status?: number }).status === 403) return WORKFLOW_TOKEN_LOGIN;
          throw error;
        },
      )),
  };
}

/**
 * Updates the first comment that carries the marker and was written by this token's identity, or
 * creates one; never posts a second. A comment with the marker by anyone else (a participant pasting
 * it, another workflow) is left alone, so it can neither be overwritten nor stand in for the plan.
 */
export async function upsertComment(api: CommentApi, body: string): Promise<'created' | 'updated'> {
  const [comments, author] = await Promise.all([api.list(), api.author()]);
  const existing = comments.find((c) => c.user?.login === author && c.body?.includes(COMMENT_MARKER));
  if (existing) {
    await api.update(existing.id, body);
    return 'updated';
  }
  await api.create(body);
  return 'created';
}
