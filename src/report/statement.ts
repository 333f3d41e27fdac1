import { html } from './html';
import { page } from './pages';

/**
 * The accessibility statement, in Dutch: what was tested, how, and what came of it. It states what the
 * automated browser test (test/browser/accessibility.test.ts) checks on every build, and no more.
 */
export function statementPage(): string {
  return page('Toegankelijkheidsverklaring — Transparantie van klantprofielen', html`<header>
<p><a href="/rapport">Alle regio's</a></p>
<h1>Toegankelijkheidsverklaring</h1>
<p>Rapportpagina's van de Sonar-transparantieservice</p>
</header>
<main>
<section aria-labelledby="scope"><h2 id="scope">Waar deze verklaring over gaat</h2>
<p>De pagina's onder <code>/rapport</code>: het landelijk overzicht en de pagina van elke arbeidsmarktregio, met en zonder cijfers en met één of meer perioden, en deze verklaring. De pagina's moeten voldoen aan WCAG 2.1, niveau A en AA (de norm EN 301 549 die voor overheidswebsites geldt).</p></section>
<section aria-labelledby="how"><h2 id="how">Hoe getest is</h2>
<ul>
<li>Bij elke wijziging van de software opent een test alle soorten pagina's in de browser Chromium en controleert ze met axe-core op alle regels voor WCAG 2.0 en 2.1, niveau A en AA (onder meer kopjes, tabellen met bijschrift en kopcellen, tekstalternatieven voor de grafiek en de kaart, contrast van tekst, taal van de pagina).</li>
<li>Dezelfde test gaat met de Tab-toets door elke pagina en controleert dat elke link en elk bedieningselement bereikbaar is en een zichtbare focusrand krijgt.</li>
<li>De test bekijkt elke pagina ook 640 pixels breed, zoals een scherm van 1280 pixels bij 200% vergroting: de pagina hoeft dan niet horizontaal te schuiven. De afdruk (A4) laat navigatie en downloads weg en houdt tabellen, grafiek en kaart.</li>
</ul></section>
<section aria-labelledby="result"><h2 id="result">Resultaat</h2>
<p>De geautomatiseerde controle vindt op alle pagina's geen enkele overtreding van de WCAG 2.1 A- en AA-regels die axe-core toetst. De kaart en de grafiek hebben een tekstalternatief en hun cijfers staan ook in een tabel; kleur is nergens de enige drager van informatie: de kaart heeft een legenda met arcering voor regio's zonder cijfers, de lijnen in de grafiek verschillen ook in streep en markering.</p>
<p>Geautomatiseerde tests vinden niet alle problemen. Een handmatig onderzoek door een deskundige, met schermlezers, is nog niet gedaan; tot dan is de status ‘voldoet gedeeltelijk’.</p></section>
<section aria-labelledby="contact"><h2 id="contact">Een probleem melden</h2>
<p>Loopt u tegen een probleem aan? Meld het bij de beheerder van deze dienst; de cijfers zijn ook te downloaden als tabel (CSV, TSV of Excel) via de links op elke pagina.</p></section>
</main>`);
}
