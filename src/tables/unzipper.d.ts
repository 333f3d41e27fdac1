// unzipper (exceljs's own zip reader) ships no types: the part of its API that xlsx-rows.ts uses (v0.10).
declare module 'unzipper' {
  import type { Readable } from 'node:stream';
  interface Entry {
    path: string;
    stream(): Readable;
  }
  interface Directory {
    files: Entry[];
  }
  const unzipper: { Open: { buffer(data: Buffer): Promise<Directory> } };
  export default unzipper;
}
