// A local HTTP server playing the GitHub REST API for issue comments and GET /user, recording every call.
import { createServer, type Server } from 'node:http';

export interface GitHubCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeGitHub {
  url: string;
  calls: GitHubCall[];
  comments: { id: number; body: string; user: { login: string; type: string } }[];
  /**
   * Personal tokens by value and their login: GET /user answers with it and comments are theirs. Any
   * other token acts like an installation token (the workflow GITHUB_TOKEN): GET /user answers 403
   * "Resource not accessible by integration" and its comments are github-actions[bot]'s.
   */
  users: Map<string, string>;
  close(): Promise<void>;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const calls: GitHubCall[] = [];
  const comments: FakeGitHub['comments'] = [];
  const users: FakeGitHub['users'] = new Map();
  let nextId = 1000;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = raw ? (JSON.parse(raw) as { body?: string }) : null;
      calls.push({ method: req.method ?? 'GET', path, body, authorization: req.headers.authorization });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const login = users.get(token);
      if (path === '/user' && req.method === 'GET') {
        return login ? send(200, { login, type: 'User' }) : send(403, { message: 'Resource not accessible by integration' });
      }
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path);
      if (list && req.method === 'GET') return send(200, comments);
      if (list && req.method === 'POST') {
        const comment = {
          id: nextId++,
          body: body?.body ?? '',
          user: login ? { login, type: 'User' } : { login: 'github-actions[bot]', type: 'Bot' },
        };
        comments.push(comment);
        return send(201, comment);
      }
      if (one && req.method === 'PATCH') {
        const comment = comments.find((c) => c.id === Number(one[3]));
        if (!comment) return send(404, { message: 'Not Found' });
        comment.body = body?.body ?? '';
        return send(200, comment);
      }
      send(404, { message: `Not Found: ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    calls,
    comments,
    users,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
