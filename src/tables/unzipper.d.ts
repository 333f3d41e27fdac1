// unzipper (exceljs's own zip reader) ships no types: the part of its API that xlsx-rows.ts uses (v0.10).
declare module 'unzipper' {
  import type { Readable } from 'node:stream';
  interface Entry {
    path: string;
    /** As the zip's central directory declares it. */
    uncompressedSize: number;
    /** The part, inflated. */
    stream(): Readable;
  }
  interface Directory {
    files: Entry[];
  }
  const unzipper: { Open: { buffer(data: Buffer): Promise<Directory> } };
  export default unzipper;
}
