// A model mirror on 127.0.0.1 in the Hugging Face download layout (`/<repo>/resolve/<revision>/<file>`),
// as fineTune.modelMirror points at: it serves one repository's files and answers 404 (EntryNotFound)
// for the others, and sends model.safetensors slowly, in small pieces, so that a user (and the
// scenario) can watch the download's progress.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelMirror {
  url: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

export async function startModelMirror(repo: string, files: Record<string, Buffer>, slowFile = 'model.safetensors', slowMs = 8000): Promise<ModelMirror> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const m = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const name = m && m[1] === repo ? m[3] : null;
    const body = name === null ? undefined : files[name];
    if (!body) {
      res.writeHead(404, { 'x-error-code': name === null ? 'RepoNotFound' : 'EntryNotFound' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
    if (name !== slowFile) {
      res.end(body);
      return;
    }
    const pieces = 40;
    const size = Math.ceil(body.length / pieces);
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) {
        clearInterval(timer);
        return;
      }
      res.write(body.subarray(sent, sent + size));
      sent += size;
      if (sent >= body.length) {
        clearInterval(timer);
        res.end();
      }
    }, slowMs / pieces);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
