import type { IncomingMessage } from 'node:http';

/**
 * The path a bare request asks for, as express routes it (the pathname, undecoded). A client may send the
 * target in absolute form (`GET http://host/v1/totals`), which express routes like `/v1/totals`; whatever
 * is keyed, counted or labelled by path must see it so too.
 */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '';
  if (url.startsWith('/')) {
    const query = url.indexOf('?');
    return query < 0 ? url : url.slice(0, query);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
