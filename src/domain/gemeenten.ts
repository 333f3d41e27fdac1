/**
 * Gemeenten as a resource of their own, found nationally: by CBS code, by CBS name, or by a name as
 * publications write it. Nationally, unlike within a region, a plain name can fit several gemeenten
 * (`Bergen` is `Bergen (L.)` and `Bergen (NH.)`): that is a 400 listing them, never a guess.
 */
import { DomainError, invalid } from './errors';
import { extended } from './extended';
import { NameIndex, normalizeName } from './names';
import { refOf, toFigures } from './read-shapes';
import { GemeenteRef, ReferenceData, Region } from './reference';
import { GemeenteDetail, GemeenteList } from './series-views';
import { asOfInstant } from './instant';
import { Dependency, regionScope } from './staleness';
import { UseCaseContext } from './use-case';

const GEMEENTE_CODE = /^GM[0-9]{4}$/i;
const LOOSE_GEMEENTE_CODE = /^GM[\s-]*([0-9]{1,4})$/i;

interface Located {
  gemeente: GemeenteRef;
  region: Region;
}

interface NationalIndex {
  all: Located[];
  byCode: Map<string, Located>;
  byExactName: Map<string, Located>;
  byName: Map<string, Located[]>;
  suggestions: NameIndex<GemeenteRef>;
}

const exact = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Built once per set of reference data, which never changes while it is loaded. */
const indexes = new WeakMap<ReferenceData, NationalIndex>();

function indexOf(reference: ReferenceData): NationalIndex {
  let index = indexes.get(reference);
  if (index) return index;
  const all = reference.regions
    .flatMap((region) => region.gemeenten.map((gemeente) => ({ gemeente, region })))
    .sort((a, b) => a.gemeente.name.localeCompare(b.gemeente.name, 'nl') || a.gemeente.code.localeCompare(b.gemeente.code));
  const byName = new Map<string, Located[]>();
  for (const located of all) {
    const key = normalizeName(located.gemeente.name);
    byName.set(key, [...(byName.get(key) ?? []), located]);
  }
  index = {
    all,
    byCode: new Map(all.map((l) => [l.gemeente.code, l])),
    byExactName: new Map(all.map((l) => [exact(l.gemeente.name), l])),
    byName,
    suggestions: new NameIndex(all.map((l) => l.gemeente)),
  };
  indexes.set(reference, index);
  return index;
}

/** By a name as publications write it; a name that fits several gemeenten is a 400 listing them. */
function byForgivingName(index: NationalIndex, key: string): Located | undefined {
  const fits = index.byName.get(normalizeName(key)) ?? [];
  if (fits.length > 1) {
    const listed = fits.map((l) => `${l.gemeente.name} (${l.gemeente.code}, ${l.region.name})`);
    throw invalid(`"${key}" is the name of ${fits.length} gemeenten: ${listed.join(', ')}. Use the CBS code or the full CBS name.`, [
      { field: 'gemeente', detail: `fits ${fits.length} gemeenten; use the CBS code or the full CBS name`, found: key, suggestions: fits.map((l) => l.gemeente.name) },
    ]);
  }
  return fits[0];
}

/** A gemeente and its region by CBS code, by exact CBS name, or by a forgiving name that fits one gemeente only. */
export function gemeenteNationally(reference: ReferenceData, key: string): Located {
  const index = indexOf(reference);
  const trimmed = key.trim();
  const isCode = GEMEENTE_CODE.test(trimmed);
  const found = isCode ? index.byCode.get(trimmed.toUpperCase()) : index.byExactName.get(exact(trimmed)) ?? byForgivingName(index, trimmed);
  if (!found) {
    const suggestions = closeGemeenten(index, trimmed).map(({ gemeente }) => `${gemeente.name} (${gemeente.code})`);
    const hint = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : '';
    throw new DomainError('not-found', 'Not found', `No gemeente is known as "${key}". Use a CBS code (GM0141) or a name (Almelo).${hint}`, [
      { field: 'gemeente', detail: 'is not a gemeente of 2026', found: key, ...(suggestions.length ? { suggestions } : {}) },
    ]);
  }
  return found;
}

/** The gemeente a short code means (`GM141`), then the closest names; at most three. */
function closeGemeenten(index: NationalIndex, key: string): Located[] {
  const code = LOOSE_GEMEENTE_CODE.exec(key);
  const byCode = code ? index.byCode.get(`GM${code[1].padStart(4, '0')}`) : undefined;
  const named = GEMEENTE_CODE.test(key) ? [] : index.suggestions.suggest(key).flatMap((name) => index.byName.get(normalizeName(name)) ?? []);
  return [...new Set([...(byCode ? [byCode] : []), ...named])].slice(0, 3);
}

/** The 342 gemeenten of today with their region, by name; or those of `year`. */
export function listGemeenten(ctx: UseCaseContext, year?: string): GemeenteList {
  const reference = year === undefined ? ctx.reference : ctx.classifications.year(Number(year));
  return { gemeenten: indexOf(reference).all.map(({ gemeente, region }) => extended(refOf(gemeente), { region: refOf(region) })) };
}

/**
 * A gemeente of today, or else of any year loaded (`Weesp`, merged into Amsterdam in 2022), with the region
 * of its last year. A name several gemeenten of other years had is a 400 listing them.
 */
export function gemeenteOfAnyYear(ctx: UseCaseContext, key: string): Located {
  try {
    return gemeenteNationally(ctx.reference, key);
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'not-found') throw error;
    const lives = ctx.classifications.livesNamed(key);
    if (lives.length === 0) throw error;
    if (lives.length > 1) {
      throw invalid(`"${key}" names ${lives.length} gemeenten of other years: ${lives.map((l) => `${l.name} (${l.code}, ${l.years[0]}-${l.years.at(-1)})`).join(', ')}. Use the CBS code.`, [
        { field: 'gemeente', detail: `fits ${lives.length} gemeenten of other years; use the CBS code`, found: key, suggestions: lives.map((l) => l.code) },
      ]);
    }
    const [life] = lives;
    return { gemeente: { code: life.code, name: life.name }, region: extended(life.region, { gemeenten: [] }) };
  }
}

/**
 * What a gemeente's answers depend on: the uploads of its region now and of each that held it in a year loaded,
 * since the store reads its figures from them all.
 */
export function gemeenteScope(ctx: UseCaseContext, gemeenteCode: string, regionCode: string): Dependency {
  return regionScope(...new Set([regionCode, ...(ctx.classifications.life(gemeenteCode)?.regions ?? [])]));
}

/** The years, predecessors and successors of a gemeente a herindeling touched or that some year lacks; else nothing. */
function historyOf(ctx: UseCaseContext, code: string): Pick<GemeenteDetail, 'years' | 'predecessors' | 'successors'> {
  const life = ctx.classifications.life(code);
  if (!life) return {};
  const everyYear = life.years.length === ctx.classifications.years.length;
  if (everyYear && life.predecessors.length === 0 && life.successors.length === 0) return {};
  return { years: life.years, predecessors: life.predecessors, successors: life.successors };
}

/** One gemeente with its region and its figures in the latest period that has them (as they stood at `asOf`). */
export async function gemeenteDetail(ctx: UseCaseContext, key: string, asOf?: string): Promise<GemeenteDetail> {
  const { gemeente, region } = gemeenteOfAnyYear(ctx, key);
  const history = await ctx.store.gemeenteHistory(gemeente.code, asOfInstant(asOf));
  const last = history.at(-1);
  const known = extended(refOf(gemeente), { region: refOf(region), ...historyOf(ctx, gemeente.code) });
  if (last === undefined) return extended(known, { latest: null });
  const { gemeenteClients, uwvClients, total } = toFigures(last.row);
  return extended(known, { latest: { period: last.period, gemeenteClients, uwvClients, total } });
}
