import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { liveAppUnderTest } from '../support/live-server';

const ROOT = path.join(__dirname, '..', '..');
const README_KEY = 'choose-a-long-secret-here';

/** Every shell block of the README that calls the API with curl, in the order a reader meets them. */
function readmeCurlBlocks(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).filter((block) => /^curl /m.test(block));
}

describe('The README\'s examples', () => {
  const live = liveAppUnderTest({ API_KEYS: `me:${README_KEY}` });

  test('When the README\'s curl examples are run in order as written, then they succeed and leave the Twente figures whole', async () => {
    // Arrange: the blocks as written, but pointed at this test's server
    const blocks = readmeCurlBlocks();
    const script = blocks.join('\n').replace(/^URL=http:\/\/localhost:3000$/m, `URL=${live.base()}`);
    expect(script).toContain(`URL=${live.base()}`);
    expect(script).toContain('DELETE');

    // Act
    const { stdout } = await promisify(execFile)('bash', ['-euc', script], { cwd: ROOT, env: { PATH: process.env.PATH }, timeout: 30_000 });

    // Assert
    expect(stdout).toContain('leave out 13 of the 14 gemeenten of Twente');
    const totals = await live.t().http().get('/v1/regions/Twente/totals?period=2026-06').expect(200);
    expect(totals.body).toEqual(expect.objectContaining({ total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449 }));
    const gemeenten = await live.t().http().get('/v1/regions/Twente/gemeenten?period=2026-06').expect(200);
    expect(gemeenten.body.missing).toEqual([]);
    const partial = await live.t().http().get('/v1/uploads/2').expect(200);
    expect(partial.body).toEqual(expect.objectContaining({ gemeenteCount: 1, withdrawnBy: 'me', current: false }));
  });
});
