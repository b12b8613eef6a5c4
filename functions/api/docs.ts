/**
 * The interactive API reference at `/docs`: one self-contained HTML page
 * rendered on the server from the OpenAPI document. It loads nothing from the
 * network (no CDN): operations grouped by tag with who may call them, their
 * parameters, bodies and responses, every schema, the problem types, and a
 * small inline script to send requests with a bearer token.
 */
import { createHash } from 'node:crypto';
import { PROBLEM_TYPES } from './problem.js';

/** The parts of an OpenAPI 3.1 document the page reads; everything else is ignored. */
export interface OpenApiLike {
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description?: string;
  };
  readonly paths?: Readonly<Record<string, unknown>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, unknown>> };
}

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const esc = (v: unknown) => escapeHtml(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** Inline code with backticks of a description rendered as `<code>`. */
function prose(text: unknown): string {
  if (typeof text !== 'string') return '';
  return esc(text).replaceAll(/`([^`]+)`/g, '<code>$1</code>');
}

/** A summary as a sentence: a full stop unless it already ends with punctuation. */
function sentence(text: unknown): string {
  if (typeof text !== 'string') return '';
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A schema as a short readable type, with links to named schemas. */
function typeOf(schema: unknown): string {
  if (!isObject(schema)) return 'any';
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => esc(JSON.stringify(v))).join(' | ');
  if ('const' in schema) return esc(JSON.stringify(schema.const));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return options.map(typeOf).join(key === 'allOf' ? ' & ' : ' | ');
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  return types
    .map((t) => {
      if (t === 'array') return `${typeOf(schema.items)}[]`;
      if (t === 'object' && isObject(schema.additionalProperties)) {
        return `map of ${typeOf(schema.additionalProperties)}`;
      }
      return esc(String(t));
    })
    .join(' | ');
}

/** Constraints of a schema in words (range, length, pattern, format). */
function constraintsOf(schema: unknown): string {
  if (!isObject(schema)) return '';
  const parts: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(`${schema.minimum ?? '…'}..${schema.maximum ?? '…'}`);
  }
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    parts.push(`length ${schema.minLength ?? 0}..${schema.maxLength ?? '…'}`);
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    parts.push(`items ${schema.minItems ?? 0}..${schema.maxItems ?? '…'}`);
  }
  if (typeof schema.format === 'string') parts.push(`format ${schema.format}`);
  if (typeof schema.pattern === 'string') parts.push(`pattern <code>${esc(schema.pattern)}</code>`);
  if (schema.additionalProperties === false) parts.push('no other fields');
  return parts.map((p) => (p.startsWith('pattern') ? p : esc(p))).join('; ');
}

/** The property table of an object schema, or its type line. */
function schemaBody(schema: unknown): string {
  if (!isObject(schema) || !isObject(schema.properties)) {
    const constraints = constraintsOf(schema);
    return `<p class="type">${typeOf(schema)}${constraints ? ` <span class="muted">(${constraints})</span>` : ''}</p>`;
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const rows = Object.entries(schema.properties)
    .map(([name, prop]) => {
      const description = isObject(prop) ? prose(prop.description) : '';
      return `<tr><td><code>${esc(name)}</code>${required.has(name) ? '' : ' <span class="muted">optional</span>'}</td><td>${typeOf(prop)}</td><td>${constraintsOf(prop)}${description ? ` ${description}` : ''}</td></tr>`;
    })
    .join('');
  const extra =
    schema.additionalProperties === false
      ? '<p class="muted">No other fields are accepted.</p>'
      : '';
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows}</tbody></table>${extra}`;
}

/** An example value of a schema, for the request forms. */
function exampleOf(
  schema: unknown,
  components: Readonly<Record<string, unknown>>,
  depth = 0,
): unknown {
  if (!isObject(schema) || depth > 8) return null;
  if ('example' in schema) return schema.example;
  if (typeof schema.$ref === 'string') {
    return exampleOf(components[refName(schema.$ref)], components, depth + 1);
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const first = options.find((o) => !(isObject(o) && o.type === 'null')) ?? options[0];
      return exampleOf(first, components, depth + 1);
    }
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null');
  switch (type) {
    case 'object': {
      const out: Json = {};
      for (const [name, prop] of Object.entries(
        isObject(schema.properties) ? schema.properties : {},
      )) {
        out[name] = exampleOf(prop, components, depth + 1);
      }
      return out;
    }
    case 'array':
      return [exampleOf(schema.items, components, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date-time') return '2026-01-01T09:00:00Z';
      if (schema.format === 'date') return '2026-01-01';
      if (schema.format === 'email') return 'someone@example.org';
      return 'example';
    default:
      return null;
  }
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

function operationsOf(doc: OpenApiLike): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ method, path, op });
    }
  }
  return out;
}

function parametersOf(op: Json): Json[] {
  return Array.isArray(op.parameters) ? op.parameters.filter(isObject) : [];
}

function renderOperation(o: Operation, components: Readonly<Record<string, unknown>>): string {
  const id = typeof o.op.operationId === 'string' ? o.op.operationId : `${o.method}-${o.path}`;
  const params = parametersOf(o.op);
  const paramRows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'required' : 'optional'}</td><td>${typeOf(p.schema)}</td><td>${prose(isObject(p.schema) ? p.schema.description : '')}</td></tr>`,
    )
    .join('');
  const body = isObject(o.op.requestBody) ? o.op.requestBody : undefined;
  const bodyContent = isObject(body?.content) ? body.content : {};
  const bodyHtml = Object.entries(bodyContent)
    .map(
      ([type, media]) =>
        `<h4>Body <code>${esc(type)}</code></h4>${schemaBody(isObject(media) ? media.schema : undefined)}`,
    )
    .join('');
  const responses = isObject(o.op.responses) ? o.op.responses : {};
  const responseRows = Object.entries(responses)
    .map(([status, r]) => {
      const response = isObject(r) ? r : {};
      const content = isObject(response.content) ? response.content : {};
      const types = Object.entries(content)
        .map(([t, m]) => `<code>${esc(t)}</code> ${typeOf(isObject(m) ? m.schema : undefined)}`)
        .join('<br>');
      return `<tr><td>${esc(status)}</td><td>${prose(response.description)}</td><td>${types}</td></tr>`;
    })
    .join('');
  const inputs = params
    .map(
      (p) =>
        `<label>${esc(p.name)} <span class="muted">(${esc(p.in)})</span> <input data-in="${esc(p.in)}" data-name="${esc(p.name)}" value="${esc(p.in === 'path' ? 'example' : '')}"></label>`,
    )
    .join('');
  const types = Object.keys(bodyContent);
  const firstMedia = types[0] !== undefined ? bodyContent[types[0]] : undefined;
  const example = exampleOf(isObject(firstMedia) ? firstMedia.schema : undefined, components);
  const bodyInput =
    types.length > 0
      ? `<label>Content-Type <select data-in="content-type">${types.map((t) => `<option>${esc(t)}</option>`).join('')}</select></label><textarea data-in="body" rows="8">${esc(typeof example === 'string' ? example : JSON.stringify(example, null, 2))}</textarea>`
      : '';
  return `<section class="op" id="op-${esc(id)}">
<h3><span class="method ${esc(o.method)}">${esc(o.method.toUpperCase())}</span> <code>${esc(o.path)}</code></h3>
<p>${prose(sentence(o.op.summary))} ${prose(o.op.description)} <span class="muted">operationId <code>${esc(id)}</code></span></p>
${paramRows ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th></th><th>type</th><th>notes</th></tr></thead><tbody>${paramRows}</tbody></table>` : ''}
${bodyHtml}
<h4>Responses</h4><table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${responseRows}</tbody></table>
<details><summary>Try it</summary><form class="try" data-method="${esc(o.method.toUpperCase())}" data-path="${esc(o.path)}">${inputs}${bodyInput}<button type="submit">Send</button><pre class="result" aria-live="polite"></pre></form></details>
</section>`;
}

/** The inline script of the page (its hash goes into the Content-Security-Policy). */
const SCRIPT = `
const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('srs-token') || '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('srs-token', tokenInput.value.trim()));
for (const form of document.querySelectorAll('form.try')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = form.querySelector('.result');
    let path = form.dataset.path;
    const query = new URLSearchParams();
    const headers = {};
    for (const input of form.querySelectorAll('input[data-in]')) {
      const value = input.value;
      if (input.dataset.in === 'path') path = path.replace('{' + input.dataset.name + '}', encodeURIComponent(value));
      else if (value !== '' && input.dataset.in === 'query') query.set(input.dataset.name, value);
      else if (value !== '' && input.dataset.in === 'header') headers[input.dataset.name] = value;
    }
    const token = tokenInput.value.trim();
    if (token) headers.authorization = 'Bearer ' + token;
    const bodyInput = form.querySelector('textarea[data-in=body]');
    const typeInput = form.querySelector('select[data-in=content-type]');
    const init = { method: form.dataset.method, headers };
    if (bodyInput) { init.body = bodyInput.value; headers['content-type'] = typeInput.value; }
    const qs = query.toString();
    out.textContent = 'Sending…';
    try {
      const res = await fetch(path + (qs ? '?' + qs : ''), init);
      const text = await res.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
      out.textContent = res.status + ' ' + res.statusText + '\\n' + (res.headers.get('content-type') || '') + '\\n\\n' + shown;
    } catch (err) {
      out.textContent = String(err);
    }
  });
}
`;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:0 1.25rem}
header{padding-top:1rem}
h1{margin:.2rem 0}h2{margin-top:2.5rem;border-bottom:2px solid #ddd}
code{font:13px ui-monospace,monospace;background:#eef;padding:0 .2em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.op{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.2rem 1rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.2em;text-align:center;color:#fff;border-radius:4px;padding:0 .4em;font-size:.85em}
.get{background:#2f6f3e}.put{background:#8a5a00}.post{background:#1f4f99}.delete{background:#a02020}.patch{background:#555}
.muted{color:#666;font-size:.9em}
nav>ul{columns:2;column-gap:2rem}nav li{break-inside:avoid}nav ul ul{list-style:none;padding-left:.5rem}nav ul ul li{overflow-wrap:anywhere;margin:.15rem 0}
form.try label{display:block;margin:.3rem 0}
form.try textarea{width:100%;font:13px ui-monospace,monospace}
pre{background:#111;color:#eee;padding:.6rem;overflow:auto;white-space:pre-wrap}
pre:empty{display:none}
#auth{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem}
#auth input{width:100%;font:13px ui-monospace,monospace}
`;

const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');

/** The Content-Security-Policy of the page: nothing but its own inline script and style, and calls to this API. */
export const DOCS_CSP = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** Renders the reference page of an OpenAPI document. */
export function renderApiReference(doc: OpenApiLike): string {
  const components = doc.components?.schemas ?? {};
  const operations = operationsOf(doc);
  const tags = [
    ...new Set(operations.map((o) => (Array.isArray(o.op.tags) ? String(o.op.tags[0]) : 'Other'))),
  ];
  const byTag = (tag: string) =>
    operations.filter((o) => (Array.isArray(o.op.tags) ? String(o.op.tags[0]) : 'Other') === tag);
  const nav = tags
    .map(
      (tag) =>
        `<li><strong>${esc(tag)}</strong><ul>${byTag(tag)
          .map(
            (o) =>
              `<li><a href="#op-${esc(o.op.operationId)}"><span class="method ${esc(o.method)}">${esc(o.method.toUpperCase())}</span> ${esc(o.path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map(
      (tag) =>
        `<h2>${esc(tag)}</h2>${byTag(tag)
          .map((o) => renderOperation(o, components))
          .join('')}`,
    )
    .join('');
  const schemas = Object.entries(components)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, schema]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${isObject(schema) && schema.description ? `<p>${prose(schema.description)}</p>` : ''}${schemaBody(schema)}<details><summary>JSON Schema</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details></section>`,
    )
    .join('');
  const problems = (Object.entries(PROBLEM_TYPES) as [string, { slug: string; title: string }][])
    .map(
      ([status, p]) =>
        `<tr id="problem-${esc(p.slug)}"><td>${esc(status)}</td><td><code>/docs#problem-${esc(p.slug)}</code></td><td>${esc(p.title)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}: API reference</title><style>${STYLE}</style></head>
<body><header><h1>${esc(doc.info.title)} <span class="muted">v${esc(doc.info.version)}</span></h1>
<p>${prose(doc.info.description)}</p>
<p>Machine-readable: <a href="/v1/openapi.json"><code>/v1/openapi.json</code></a> (OpenAPI 3.1).</p>
<div id="auth"><label for="token">Bearer token for “Try it” (kept in this tab only)</label><input id="token" autocomplete="off" spellcheck="false" placeholder="eyJ…"></div>
<nav><h2>Operations</h2><ul>${nav}</ul></nav></header>
<main>${sections}
<h2 id="problems">Problem types</h2>
<p>Every error is <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, and for bad input <code>errors: [{ path, message }]</code>.</p>
<table><thead><tr><th>status</th><th>type</th><th>title</th></tr></thead><tbody>${problems}</tbody></table>
<h2 id="schemas">Schemas</h2>${schemas}</main>
<script>${SCRIPT}</script></body></html>`;
}
