// What a page costs on the wire: every response of one page load, until the page is hydrated and
// the network is quiet, with the bytes the browser received for it (headers and compressed body,
// as Chromium's DevTools protocol counts them). Shared by the budget journey and page-bytes.js.

/** Loads `path` and returns [{ file, status, bytes }] for every http response of that load. */
async function pageBytes(page, cdp, path) {
  const sizes = new Map();
  const urls = new Map();
  const onResponse = (e) => urls.set(e.requestId, e.response);
  const onFinished = (e) => sizes.set(e.requestId, e.encodedDataLength);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await page.goto(path);
    await page.waitForSelector('body[data-hydrated=true]', { timeout: 120_000 });
    await page.waitForLoadState('networkidle');
  } finally {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
  }
  return [...sizes]
    .map(([id, bytes]) => ({ response: urls.get(id) || { url: '', status: 0 }, bytes }))
    .filter(({ response }) => response.url.startsWith('http'))
    .map(({ response, bytes }) => ({ file: new URL(response.url).pathname, status: response.status, bytes }));
}

/** The rows as a Markdown table, a total line after each load. */
function table(loads) {
  const width = Math.max(4, ...loads.flatMap(({ files }) => files.map((f) => f.file.length)));
  const lines = [`| load | file${' '.repeat(width - 4)} | status | bytes |`, `|---|${'-'.repeat(width + 1)}|---|---:|`];
  for (const { label, files } of loads) {
    for (const { file, status, bytes } of files) lines.push(`| ${label} | ${file.padEnd(width)} | ${status} | ${bytes} |`);
    const total = files.reduce((n, f) => n + f.bytes, 0);
    lines.push(`| ${label} | ${'total'.padEnd(width)} | | ${total} |`);
  }
  return lines.join('\n');
}

module.exports = { pageBytes, table };
