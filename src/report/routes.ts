import { Router, type Request, type Response } from 'express';
import type { CatalogueSettings } from '../domain/catalogue';
import { DomainError } from '../domain/errors';
import { nationalTable, regionTable } from '../domain/publication-table';
import { regionPeriods, regionSeries } from '../domain/series';
import { SonarService } from '../domain/service';
import { html } from './html';
import { emptyRegionPage, mapRegions, overviewPage, page, regionPage, STATEMENT_PATH } from './pages';
import { statementPage } from './statement';

const STATUS: Record<string, number> = { invalid: 400, 'not-found': 404 };

/** A report for people answers a mistake with a page, in Dutch, not with problem+json. */
function errorPage(res: Response, error: unknown): void {
  if (!(error instanceof DomainError) || !(error.kind in STATUS)) throw error;
  const title = error.kind === 'invalid' ? 'Ongeldige vraag' : 'Niet gevonden';
  res.status(STATUS[error.kind]).type('html').send(page(`${title} — Transparantie van klantprofielen`, html`<header>
<h1>${title}</h1>
</header>
<main><p>${error.detail}</p><p><a href="/rapport">Naar het overzicht van alle regio's</a></p></main>`));
}

const periodOf = (req: Request): string | undefined => (typeof req.query.period === 'string' ? req.query.period : undefined);

/** The report in Dutch, outside the API: `/rapport` for the country, `/rapport/{region}` for one region. */
export function reportRoutes(service: SonarService, settings: CatalogueSettings): Router {
  const router = Router({ strict: true, caseSensitive: true });
  const regions = service.reference.regions;
  /** The national table of the period, or of the latest period; none while nothing has been uploaded. */
  const latestNational = async (period?: string) => ((await service.periods()).periods.length === 0 && period === undefined ? undefined : nationalTable(service, period));
  router.get('/rapport', async (req, res) => {
    try {
      res.type('html').setHeader('Cache-Control', 'no-cache');
      const table = await latestNational(periodOf(req));
      const { periods } = await service.periods();
      res.send(overviewPage(table, periods, regions, settings));
    } catch (error) {
      errorPage(res, error);
    }
  });
  // Before /rapport/:region: no region is called so.
  router.get(STATEMENT_PATH, (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-cache').send(statementPage());
  });
  router.get('/rapport/:region', async (req, res) => {
    try {
      const period = periodOf(req);
      const { region, periods } = await regionPeriods(service, req.params.region);
      res.type('html').setHeader('Cache-Control', 'no-cache');
      if (periods.length === 0 && period === undefined) {
        const national = await latestNational();
        res.send(emptyRegionPage(region, mapRegions(regions, national), national?.period));
        return;
      }
      const table = await regionTable(service, region.code, period);
      const { series } = await regionSeries(service, table.region.code);
      const national = await nationalTable(service, table.period);
      res.send(regionPage(table, series.map((point) => ({ period: point.period, totals: point, classificationChange: point.classificationChange })), mapRegions(regions, national), settings));
    } catch (error) {
      errorPage(res, error);
    }
  });
  return router;
}
