import { Router, type Request, type Response } from 'express';
import { DomainError } from '../domain/errors';
import { nationalTable, regionTable } from '../domain/publication-table';
import { regionSeries } from '../domain/series';
import { SonarService } from '../domain/service';
import { html } from './html';
import { overviewPage, regionPage } from './pages';

const STATUS: Record<string, number> = { invalid: 400, 'not-found': 404 };

/** A report for people answers a mistake with a page, in Dutch, not with problem+json. */
function errorPage(res: Response, error: unknown): void {
  if (!(error instanceof DomainError) || !(error.kind in STATUS)) throw error;
  res.status(STATUS[error.kind]).type('html').send(`<!DOCTYPE html>\n${html`<html lang="nl"><head><meta charset="utf-8"><title>Niet gevonden — Transparantie van klantprofielen</title></head>
<body><h1>${error.kind === 'invalid' ? 'Ongeldige vraag' : 'Niet gevonden'}</h1><p>${error.detail}</p><p><a href="/rapport">Naar het overzicht van alle regio's</a></p></body></html>`}`);
}

const periodOf = (req: Request): string | undefined => (typeof req.query.period === 'string' ? req.query.period : undefined);

/** The report in Dutch, outside the API: `/rapport` for the country, `/rapport/{region}` for one region. */
export function reportRoutes(service: SonarService): Router {
  const router = Router({ strict: true, caseSensitive: true });
  router.get('/rapport', async (req, res) => {
    try {
      res.type('html').setHeader('Cache-Control', 'no-cache');
      const table = await nationalTable(service, periodOf(req));
      const { periods } = await service.periods();
      res.send(overviewPage(table, periods));
    } catch (error) {
      errorPage(res, error);
    }
  });
  router.get('/rapport/:region', async (req, res) => {
    try {
      const table = await regionTable(service, req.params.region, periodOf(req));
      const { series } = await regionSeries(service, table.region.code);
      res.type('html').setHeader('Cache-Control', 'no-cache');
      res.send(regionPage(table, series.map((point) => ({ period: point.period, totals: point }))));
    } catch (error) {
      errorPage(res, error);
    }
  });
  return router;
}
