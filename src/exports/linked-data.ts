import { DataFactory, Writer } from 'n3';
import type { CatalogueDocument, LinkedValue } from '../domain/catalogue';

const { namedNode, literal, quad } = DataFactory;
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** `dct:title` or a full IRI, as a full IRI. */
function expand(term: string, prefixes: Record<string, string>): string {
  const colon = term.indexOf(':');
  const prefix = term.slice(0, colon);
  return colon > 0 && prefix in prefixes && !term.startsWith(`${prefix}://`) ? prefixes[prefix] + term.slice(colon + 1) : term;
}

/**
 * The catalogue's JSON-LD written as Turtle, node by node: it holds the same graph, since every node is in
 * `@graph` once with IRIs and literals only (the test parses both and compares them).
 */
export function turtle(document: CatalogueDocument): string {
  const prefixes = document['@context'];
  const object = (value: LinkedValue | string) => {
    if (typeof value === 'string') return literal(value);
    if ('@id' in value) return namedNode(expand(value['@id'], prefixes));
    if (value['@language']) return literal(value['@value'], value['@language']);
    return literal(value['@value'], value['@type'] ? namedNode(expand(value['@type'], prefixes)) : undefined);
  };
  const writer = new Writer({ prefixes });
  for (const node of document['@graph']) {
    const subject = namedNode(expand(node['@id'], prefixes));
    for (const type of node['@type']) writer.addQuad(quad(subject, namedNode(RDF_TYPE), namedNode(expand(type, prefixes))));
    for (const [property, values] of Object.entries(node)) {
      if (property.startsWith('@')) continue;
      const predicate = namedNode(expand(property, prefixes));
      for (const value of Array.isArray(values) ? values : [values]) writer.addQuad(quad(subject, predicate, object(value)));
    }
  }
  let text = '';
  writer.end((error, result) => {
    if (error) throw error;
    text = result;
  });
  return text;
}
