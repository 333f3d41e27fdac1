import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/cli/upload';
import { liveAppUnderTest } from '../support/live-server';
import { storedData, WRITER_KEY } from '../support/test-app';
import { publicationTable, regionFigures } from '../tables/publication-files';

describe('The upload command with a table that leaves out gemeenten', () => {
  const live = liveAppUnderTest();
  let file: string;
  beforeAll(() => {
    const twente = regionFigures('AM05');
    file = path.join(live.t().dir, 'twente-without-borne.tsv');
    writeFileSync(file, publicationTable({ ...twente, gemeenten: twente.gemeenten.filter((g) => g.code !== 'GM0147') }));
  });

  const upload = async (...extra: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run([file, '--period', '2026-06', '--url', live.base(), '--key', WRITER_KEY, ...extra], {}, { log: (l) => out.push(l), error: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('When it is uploaded without --partial, then the command prints the gemeente left out, exits 1 and nothing is stored', async () => {
    const before = await storedData(live.t());

    const { code, err } = await upload();

    expect(code).toBe(1);
    expect(err).toMatch(/leave out 1 of the 14 gemeenten of Twente: Borne \(GM0147\)/);
    expect(await storedData(live.t())).toBe(before);
  });

  test('When it is uploaded with --partial, then it is stored and the command exits 0', async () => {
    const { code, out } = await upload('--partial');

    expect(code).toBe(0);
    expect(out).toMatch(/Twente \(AM05\): upload \d+, 13 gemeenten/);
  });
});
