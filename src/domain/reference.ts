import { notFound } from './errors';
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

  region(key: string): Region {
    const region = this.findRegion(key);
    if (!region) throw notFound(`No arbeidsmarktregio is known as "${key}". Use a CBS code (AM05) or a name (Twente).`);
    return region;
  }

  suggestRegions(key: string): string[] {
    return this.regionNames.suggest(key.replace(LOCAL_NUMBER, ''));
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

  suggestGemeenten(region: Region, key: string): string[] {
    return this.gemeenteIndexes.get(region.code)?.suggest(key) ?? [];
  }
}
