import { Writable } from 'node:stream';
import pino from 'pino';

/** A pino logger at `info` whose JSON lines are collected, parsed, for a test to read. */
export function logSink<Line = Record<string, unknown>>(): { lines: Line[]; logger: pino.Logger } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}
