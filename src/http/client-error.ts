import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { problemTitleOf } from './problem-types';

/**
 * Requests Node's parser refuses (a header with a control character, an oversized header, a broken
 * request line) never reach express: answer them with problem+json too, where the socket still takes
 * an answer; otherwise just close it.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const title = problemTitleOf('about:blank', status);
    const detail = tooLarge
      ? 'The request headers are larger than this service reads.'
      : 'The request is not valid HTTP (a header with a control character or an invalid name, or a malformed request line); nothing was done.';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
