// ActorPager live view: reads GET /v1/events (server-sent events) with a streaming fetch, so the
// bearer token goes in the Authorization header, and draws the files, page map, cluster and
// counters. Plain JavaScript, no library, nothing fetched from elsewhere (docs/ui.md).
'use strict';
(function () {
  const TOKEN_KEY = 'actorpager.token';
  const RETRY_MS = 3000;
  const SAMPLES = 120;
  const STATES = [
    ['not-resident', '\u00B7', 'not resident'],
    ['clean', 'C', 'clean'],
    ['mapped', 'M', 'mapped'],
    ['dirty', 'D', 'dirty'],
    ['busy', 'B', 'busy'],
    ['in-flight', 'F', 'in flight (being read or written)'],
  ];
  const LETTER = Object.fromEntries(STATES.map(s => [s[0], s[1]]));
  const LABEL = Object.fromEntries(STATES.map(s => [s[0], s[2]]));
  const $ = id => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    file: null,
    controller: null,
    retry: 0,
    objects: [],
    cluster: null,
    members: new Map(),
    regions: [],
    rows: new Map(),
    samples: [],
  };

  // ---- connection ----

  function setStatus(text, kind) {
    const s = $('status');
    s.textContent = text;
    s.className = 'status ' + (kind || '');
  }

  function showMessage(kind, text) {
    const m = $('message');
    m.hidden = !text;
    m.dataset.kind = kind || '';
    m.textContent = text || '';
  }

  async function problemDetail(response) {
    try {
      const p = await response.json();
      return p.detail || response.statusText;
    } catch (e) {
      return response.statusText;
    }
  }

  function connect() {
    if (state.controller) {
      state.controller.abort();
    }
    clearTimeout(state.retry);
    const controller = new AbortController();
    state.controller = controller;
    run(controller);
  }

  async function run(controller) {
    const url = '/v1/events' + (state.file ? '?file=' + encodeURIComponent(state.file) : '');
    const headers = state.token ? { Authorization: 'Bearer ' + state.token } : {};
    setStatus('connecting\u2026');
    let response;
    try {
      response = await fetch(url, { headers: headers, signal: controller.signal, cache: 'no-store' });
    } catch (e) {
      if (!controller.signal.aborted) {
        gone();
      }
      return;
    }
    if (response.status === 401) {
      const detail = await problemDetail(response);
      showMessage('token', state.token
        ? 'The server refused the token (401 Unauthorized: ' + detail + '). Enter the right token above.'
        : 'This server needs a token (401 Unauthorized: ' + detail + '). Enter it above; it is kept for this browser tab only.');
      setStatus('not signed in', 'down');
      $('token').focus();
      return;
    }
    if (!response.ok) {
      showMessage('error', 'The server answered ' + response.status + ': ' + await problemDetail(response) + '. Trying again in 3 seconds.');
      setStatus('error', 'down');
      state.retry = setTimeout(connect, RETRY_MS);
      return;
    }
    showMessage('', '');
    document.body.classList.remove('offline');
    setStatus('live, updates from ' + location.host, 'live');
    try {
      await readEvents(response.body);
    } catch (e) {
      // The connection broke: handled below.
    }
    if (!controller.signal.aborted) {
      gone();
    }
  }

  function gone() {
    showMessage('gone', 'Cannot reach the server at ' + location.host + ': it has stopped or the network is down. The view shows the last data it had; trying again every 3 seconds\u2026');
    setStatus('disconnected', 'down');
    document.body.classList.add('offline');
    state.retry = setTimeout(connect, RETRY_MS);
  }

  async function readEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) {
            name = line.slice(7);
          } else if (line.startsWith('data: ')) {
            data += line.slice(6);
          }
        }
        if (data) {
          handle(name, JSON.parse(data));
        }
      }
    }
  }

  function handle(name, data) {
    if (name === 'snapshot') {
      // A snapshot is an update that worked: clear an earlier "the last update failed".
      setStatus('live, updates from ' + location.host, 'live');
      state.objects = data.objects;
      $('node').textContent = data.node === 'local' ? '(one node)' : '\u2014 node ' + shortNode(data.node);
      const g = data.gauges;
      $('gauges').textContent = 'frames ' + g.frames + ', free ' + g.freeFrames + ', VM objects ' + g.objects +
        ', dirty pages ' + g.dirtyPages + ', busy pages ' + g.busyPages + ', pip ' + g.pip +
        (data.moreObjects ? ' \u2014 only the first ' + data.objects.length + ' objects are listed' : '') +
        (data.objectsError ? ' \u2014 ' + data.objectsError : '');
      renderFiles();
      addSample(data);
    } else if (name === 'cluster') {
      state.cluster = data;
      renderCluster();
      renderFiles();
    } else if (name === 'pages') {
      if (data.path === state.file) {
        renderPageMap(data);
      }
    } else if (name === 'problem') {
      setStatus('live, but the last update failed: ' + data.detail, 'down');
    }
  }

  // ---- files ----

  function shortNode(node) {
    if (!node) {
      return '-';
    }
    const at = node.lastIndexOf('@');
    return at >= 0 ? node.slice(at + 1) : node;
  }

  function cellsOf(row) {
    return row.querySelectorAll('td');
  }

  function makeRow(path) {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.path = path;
    for (let i = 0; i < 8; i++) {
      const td = document.createElement('td');
      if (i === 0) {
        td.className = 'path';
      } else if (i !== 6) {
        td.className = 'num';
      }
      tr.appendChild(td);
    }
    tr.addEventListener('click', () => select(path));
    tr.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(path);
      }
    });
    return tr;
  }

  function renderFiles() {
    const owners = new Map();
    if (state.cluster) {
      for (const f of state.cluster.files) {
        owners.set(f.path, f);
      }
    }
    const rows = new Map();
    for (const o of state.objects) {
      const owner = owners.get(o.path);
      rows.set(o.path, [o.path, o.size, o.resident, o.dirty, o.busy, o.pip, shortNode(o.owner), owner ? owner.generation : '-']);
    }
    for (const [path, f] of owners) {
      if (!rows.has(path)) {
        rows.set(path, [path, '-', '-', '-', '-', '-', shortNode(f.owner), f.generation, 'remote']);
      }
    }
    const tbody = $('files').tBodies[0];
    for (const [path, tr] of state.rows) {
      if (!rows.has(path)) {
        tr.remove();
        state.rows.delete(path);
      }
    }
    const paths = [...rows.keys()].sort();
    for (const path of paths) {
      let tr = state.rows.get(path);
      if (!tr) {
        tr = makeRow(path);
        state.rows.set(path, tr);
        // Rows never move once placed (a moved row would lose the keyboard focus): a new one goes before the first greater path.
        const next = [...tbody.rows].find(r => r.dataset.path > path);
        tbody.insertBefore(tr, next || null);
      }
      const values = rows.get(path);
      const tds = cellsOf(tr);
      for (let i = 0; i < 8; i++) {
        const text = String(values[i]);
        if (tds[i].textContent !== text) {
          tds[i].textContent = text;
        }
      }
      tr.classList.toggle('remote', values[8] === 'remote');
      tr.title = values[8] === 'remote' ? 'owned by another node: its counts are there' : '';
      tr.setAttribute('aria-selected', String(path === state.file));
    }
    $('files-caption').textContent = paths.length + ' files: open on this node' + (state.cluster && state.cluster.enabled ? ', and owned by the other nodes' : '');
  }

  function select(path) {
    state.file = path;
    for (const [p, tr] of state.rows) {
      tr.setAttribute('aria-selected', String(p === path));
    }
    const section = $('pagemap');
    section.hidden = false;
    $('pagemap-title').textContent = 'Page map of ' + path;
    $('pagemap-info').textContent = 'waiting for the next update\u2026';
    $('pagemap-grid').replaceChildren();
    renderLegend({});
    $('pagemap-title').focus();
    connect();
  }

  // ---- page map ----

  function renderLegend(counts) {
    const legend = $('legend');
    legend.replaceChildren(...STATES.map(([key, letter, label]) => {
      const li = document.createElement('li');
      li.dataset.state = key;
      const swatch = document.createElement('span');
      swatch.className = 'cell s-' + key;
      swatch.textContent = letter;
      swatch.setAttribute('aria-hidden', 'true');
      li.append(swatch, label + ' (' + (counts[key] || 0) + ')');
      return li;
    }));
  }

  function renderPageMap(map) {
    const info = $('pagemap-info');
    const grid = $('pagemap-grid');
    if (map.error) {
      info.textContent = 'The page map could not be read: ' + map.error;
      info.className = 'pagemap-error';
      return;
    }
    info.className = '';
    info.textContent = map.sizePages + ' pages (' + map.size + ' bytes), owner ' + shortNode(map.owner) + ', generation ' + map.generation +
      (map.pages.length < map.sizePages ? '; the first ' + map.pages.length + ' pages are shown' : '');
    const counts = {};
    if (grid.children.length !== map.pages.length) {
      grid.replaceChildren(...map.pages.map(() => {
        const cell = document.createElement('span');
        cell.setAttribute('role', 'listitem');
        return cell;
      }));
    }
    map.pages.forEach((p, i) => {
      const cell = grid.children[i];
      counts[p.state] = (counts[p.state] || 0) + 1;
      if (cell.dataset.state !== p.state) {
        cell.dataset.state = p.state;
        cell.className = 'cell s-' + p.state;
        cell.textContent = LETTER[p.state] || '?';
      }
      const describe = 'page ' + p.index + ': ' + LABEL[p.state] +
        (p.resident ? ' \u2014 valid ' + p.valid.toString(2) + ', dirty ' + p.dirty.toString(2) + ', busy ' + p.busy + ', queue ' + p.queue + (p.mapped ? ', mapped' : '') : '');
      if (cell.title !== describe) {
        cell.title = describe;
        cell.setAttribute('aria-label', describe);
      }
    });
    renderLegend(counts);
  }

  // ---- cluster ----

  function renderCluster() {
    const c = state.cluster;
    const now = new Map(c.members.map(m => [m.address, m]));
    for (const m of c.members) {
      state.members.set(m.address, m);
    }
    // While the shard coordinator moves (a failover), the report has no shards: keep the last ones, and say so.
    const stale = c.enabled && c.regions.length === 0 && state.regions.length > 0;
    if (!stale) {
      state.regions = c.regions;
    }
    const regions = new Map(state.regions.map(r => [r.address, r]));
    $('cluster-summary').textContent = c.enabled
      ? c.members.length + ' members seen by ' + shortNode(c.self) + '; ' + c.files.length + ' files owned' +
        (c.unanswered.length ? '; no answer from ' + c.unanswered.map(shortNode).join(', ') : '') +
        (stale ? '; the shard coordinator did not answer, shards are as it last said' : '')
      : 'One node, no cluster: every file is owned here ("local"). ' + c.files.length + ' files open.';
    const tbody = $('members').tBodies[0];
    tbody.replaceChildren(...[...state.members.values()].sort((a, b) => a.address < b.address ? -1 : 1).map(m => {
      const seen = now.get(m.address);
      const down = !seen || !seen.reachable || ['Down', 'Removed', 'Exiting'].includes(seen.status);
      const words = !seen ? 'DOWN (removed from the cluster)' : down ? 'DOWN (' + seen.status + (seen.reachable ? '' : ', unreachable') + ')' : seen.status;
      const r = regions.get(m.address);
      const tr = document.createElement('tr');
      tr.dataset.state = down ? 'down' : seen.status === 'Up' ? 'up' : 'other';
      tr.dataset.address = m.address;
      tr.append(td(shortNode(m.address) + (m.address === c.self ? ' (this node)' : '')), td(words, 'state'),
        td(r ? r.shards.length : 0, 'num'), td(r ? r.shards.join(' ') : '', 'mono'), td(r ? r.files : 0, 'num'));
      return tr;
    }));
    $('owners').tBodies[0].replaceChildren(...c.files.map(f => {
      const tr = document.createElement('tr');
      tr.dataset.path = f.path;
      tr.append(td(f.path, 'path'), td(shortNode(f.owner)), td(f.generation, 'num'));
      return tr;
    }));
  }

  function td(text, cls) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    if (cls) {
      cell.className = cls;
    }
    return cell;
  }

  // ---- counters ----

  const CHARTS = [
    ['faults', 'faults', c => ({ faults: c.faults })],
    ['hits', 'hits', c => ({ hits: c.hits })],
    ['getpages', 'getpages calls', c => ({ getpages: c.getPages })],
    ['putpages', 'putpages calls', c => ({ putpages: c.putPages })],
    ['rtvals', 'putpages rtvals by status', c => c.rtvals],
  ];

  function addSample(snapshot) {
    state.samples.push({ t: Date.parse(snapshot.time), counters: snapshot.counters });
    if (state.samples.length > SAMPLES) {
      state.samples.shift();
    }
    renderCharts();
  }

  function renderCharts() {
    const host = $('charts');
    const samples = state.samples;
    const last = samples[samples.length - 1];
    for (const [key, title, pick] of CHARTS) {
      let figure = host.querySelector('[data-chart="' + key + '"]');
      if (!figure) {
        figure = document.createElement('figure');
        figure.className = 'chart';
        figure.dataset.chart = key;
        figure.append(document.createElement('figcaption'), svgElement('svg', { width: 320, height: 90, role: 'img' }), document.createElement('div'));
        figure.lastChild.className = 'chart-legend';
        host.appendChild(figure);
      }
      const names = Object.keys(pick(last.counters));
      const series = names.map(name => {
        const points = [];
        for (let i = 1; i < samples.length; i++) {
          const dt = (samples[i].t - samples[i - 1].t) / 1000;
          const dv = pick(samples[i].counters)[name] - pick(samples[i - 1].counters)[name];
          points.push(dt > 0 ? Math.max(0, dv / dt) : 0);
        }
        return { name: name, points: points, total: pick(last.counters)[name] };
      });
      const total = series.reduce((sum, s) => sum + s.total, 0);
      const rate = series.reduce((sum, s) => sum + (s.points.length ? s.points[s.points.length - 1] : 0), 0);
      figure.dataset.total = String(total);
      figure.firstChild.textContent = title + ': ' + total + ' in all, ' + rate.toFixed(1) + '/s now';
      drawChart(figure.children[1], series, title);
      figure.lastChild.textContent = series.length > 1 ? series.map((s, i) => s.name + ' ' + s.total + ' (line ' + (i + 1) + ')').join(', ') : '';
    }
  }

  function svgElement(name, attributes) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (const [k, v] of Object.entries(attributes)) {
      e.setAttribute(k, String(v));
    }
    return e;
  }

  function drawChart(svg, series, title) {
    const width = 320, height = 90, left = 36, bottom = 14, top = 6;
    const max = Math.max(1, ...series.flatMap(s => s.points));
    const children = [
      svgElement('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }),
      svgElement('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
    ];
    const label = svgElement('text', { x: 2, y: top + 10 });
    label.textContent = max.toFixed(max < 10 ? 1 : 0) + '/s';
    const zero = svgElement('text', { x: 2, y: height - bottom });
    zero.textContent = '0';
    const span = svgElement('text', { x: left, y: height - 2 });
    span.textContent = 'last ' + SAMPLES + ' updates';
    children.push(label, zero, span);
    series.forEach((s, i) => {
      if (s.points.length < 1) {
        return;
      }
      const step = (width - left) / (SAMPLES - 1);
      const offset = SAMPLES - 1 - s.points.length;
      const points = s.points.map((v, j) => (left + (offset + j) * step).toFixed(1) + ',' + (height - bottom - (v / max) * (height - bottom - top)).toFixed(1));
      children.push(svgElement('polyline', { points: points.join(' '), class: 'series series-' + i }));
    });
    svg.replaceChildren(...children);
    svg.setAttribute('aria-label', title + ' per second: ' + series.map(s => s.name + ' now ' + (s.points.length ? s.points[s.points.length - 1].toFixed(1) : '0')).join(', '));
  }

  // ---- views, token, trace ----

  function show(view) {
    for (const button of document.querySelectorAll('.views button')) {
      const on = button.dataset.view === view;
      if (on) {
        button.setAttribute('aria-current', 'page');
      } else {
        button.removeAttribute('aria-current');
      }
      $('view-' + button.dataset.view).hidden = !on;
    }
  }

  async function openTrace(file) {
    const target = $('trace');
    try {
      const data = window.ActorPagerTrace.parse(await file.text());
      window.ActorPagerTrace.render(target, data);
    } catch (e) {
      const p = document.createElement('p');
      p.className = 'trace-error';
      p.setAttribute('role', 'alert');
      p.textContent = file.name + ' is not a trace written by actorpager check: ' + e.message;
      target.replaceChildren(p);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    for (const button of document.querySelectorAll('.views button')) {
      button.addEventListener('click', () => show(button.dataset.view));
    }
    $('token').value = state.token;
    $('token-form').addEventListener('submit', e => {
      e.preventDefault();
      state.token = $('token').value.trim();
      sessionStorage.setItem(TOKEN_KEY, state.token);
      connect();
    });
    $('forget-token').addEventListener('click', () => {
      state.token = '';
      $('token').value = '';
      sessionStorage.removeItem(TOKEN_KEY);
      connect();
    });
    $('trace-file').addEventListener('change', e => {
      if (e.target.files.length) {
        openTrace(e.target.files[0]);
      }
    });
    renderLegend({});
    connect();
  });
})();
