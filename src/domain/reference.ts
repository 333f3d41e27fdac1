import { DomainError } from './errors';
import { NameIndex } from './names';

/**
 * An arbeidsmarktregio by its CBS code and name.
 * @example { "code": "AM05", "name": "Twente" }
 */
export interface RegionRef {
  /**
   * CBS code of the arbeidsmarktregio, e.g. `AM05`.
   * @example "AM05"
   */
  code: string;
  /**
   * CBS name, e.g. `Twente`.
   * @example "Twente"
   */
  name: string;
}

/**
 * A gemeente by its CBS code and official name.
 * @example { "code": "GM0141", "name": "Almelo" }
 */
export interface GemeenteRef {
  /**
   * CBS code of the gemeente, e.g. `GM0141`.
   * @example "GM0141"
   */
  code: string;
  /**
   * Official CBS name, e.g. `Hengelo (O.)`.
   * @example "Almelo"
   */
  name: string;
}

export interface Region extends RegionRef {
  gemeenten: GemeenteRef[];
}

const REGION_CODE = /^AM\d{2}$/i;
const GEMEENTE_CODE = /^GM\d{4}$/i;
/** Publications prefix the region with a local number ("28 Twente"), which is no key: only the name counts. */
const LOCAL_NUMBER = /^\s*\d+\s+/;
/** A code with its digits left short or padded: `AM5`, `am 005`, `GM141`. */
const LOOSE_REGION_CODE = /^AM[\s-]*0*([0-9]{1,3})$/i;
const LOOSE_GEMEENTE_CODE = /^GM[\s-]*0*([0-9]{1,5})$/i;

/** How a problem names a region or gemeente: `Twente (AM05)`. */
export const labelOf = (item: { code: string; name: string }): string => `${item.name} (${item.code})`;

/** The 35 regions and their gemeenten, with the lookups a request needs. Immutable once loaded. */
export class ReferenceData {
  private readonly byCode = new Map<string, Region>();
  private readonly regionNames: NameIndex<Region>;
  private readonly gemeenteIndexes = new Map<string, NameIndex<GemeenteRef>>();

  constructor(readonly regions: readonly Region[]) {
    for (const region of regions) {
      this.byCode.set(region.code, region);
      this.gemeenteIndexes.set(region.code, new NameIndex(region.gemeenten));
    }
    this.regionNames = new NameIndex(regions);
  }

  /** A region by CBS code, by name in any case, or by a publication label such as "28 Twente". */
  findRegion(key: string): Region | undefined {
    const trimmed = key.trim();
    if (REGION_CODE.test(trimmed)) return this.byCode.get(trimmed.toUpperCase());
    return this.regionNames.find(trimmed) ?? this.regionNames.find(trimmed.replace(LOCAL_NUMBER, ''));
  }

  /**
   * A region as `findRegion` finds it; otherwise a 404 that lists the closest regions, and says which region
   * a gemeente is in when the key names one (`Hengelo` is a gemeente of Twente).
   */
  region(key: string): Region {
    const region = this.findRegion(key);
    if (region) return region;
    const homes = this.gemeentenNamed(key).map(({ gemeente, region: home }) => `${labelOf(gemeente)} is a gemeente of ${labelOf(home)}`);
    const suggestions = this.closeRegions(key).map(labelOf);
    const hint = homes.length ? ` ${homes.join('; ')}.` : suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : '';
    const detail = `No arbeidsmarktregio is known as "${key}".${hint} Use a CBS code (AM05) or a name (Twente).`;
    throw new DomainError('not-found', 'Not found', detail, [{
      field: 'region',
      detail: homes.length ? `is a gemeente, not an arbeidsmarktregio: ${homes.join('; ')}` : 'is not an arbeidsmarktregio',
      found: key,
      ...(suggestions.length ? { suggestions } : {}),
    }]);
  }

  /** Names of the regions closest to a key that names none. */
  suggestRegions(key: string): string[] {
    return this.closeRegions(key).map((r) => r.name);
  }

  /** The region a misspelt code means (`AM5`), the regions of a gemeente so named, then the closest names. */
  private closeRegions(key: string): Region[] {
    const trimmed = key.trim();
    const code = LOOSE_REGION_CODE.exec(trimmed);
    const byCode = code ? this.byCode.get(`AM${code[1].padStart(2, '0')}`) : undefined;
    const named = this.regionNames.suggest(trimmed.replace(LOCAL_NUMBER, '')).map((name) => this.regionNames.find(name) as Region);
    const found = [...(byCode ? [byCode] : []), ...this.gemeentenNamed(trimmed).map((g) => g.region), ...named];
    return [...new Set(found)].slice(0, 3);
  }

  /** Every gemeente, in any region, that a key names by CBS code or name (`Bergen` names two). */
  gemeentenNamed(key: string): Array<{ gemeente: GemeenteRef; region: Region }> {
    return this.regions.flatMap((region) => {
      const gemeente = this.findGemeente(region, key);
      return gemeente ? [{ gemeente, region }] : [];
    });
  }

  /** A gemeente of this region by CBS code or by name as publications write it. */
  findGemeente(region: Region, key: string): GemeenteRef | undefined {
    const trimmed = key.trim();
    if (GEMEENTE_CODE.test(trimmed)) {
      const code = trimmed.toUpperCase();
      return region.gemeenten.find((g) => g.code === code);
    }
    return this.gemeenteIndexes.get(region.code)?.find(trimmed);
  }

  /** Names of the region's gemeenten closest to a key that names none: a short code (`GM141`) first. */
  suggestGemeenten(region: Region, key: string): string[] {
    const code = LOOSE_GEMEENTE_CODE.exec(key.trim());
    const byCode = code ? region.gemeenten.find((g) => g.code === `GM${code[1].padStart(4, '0')}`) : undefined;
    const named = this.gemeenteIndexes.get(region.code)?.suggest(key) ?? [];
    return [...new Set([...(byCode ? [byCode.name] : []), ...named])].slice(0, 3);
  }
}
