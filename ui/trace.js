// ActorPager trace view: draws a violation's trace written by `actorpager check` (format
// actorpager-trace/1): one column per actor, one row per delivery, the violating step highlighted,
// the shrunk trace beside the original. Used by the live view's Trace tab and, inlined, by the
// self-contained HTML page check writes (which carries its data in <script id="trace-data">).
'use strict';
(function () {
  const FORMAT = 'actorpager-trace/1';

  /** The trace in a file's text: the JSON itself, or the HTML page check wrote. */
  function parse(text) {
    let json = text.trim();
    if (!json.startsWith('{')) {
      const doc = new DOMParser().parseFromString(text, 'text/html');
      const data = doc.getElementById('trace-data');
      if (!data) {
        throw new Error('it has no trace data (no <script id="trace-data">)');
      }
      json = data.textContent;
    }
    const trace = JSON.parse(json);
    if (trace.format !== FORMAT) {
      throw new Error('its format is "' + trace.format + '", not ' + FORMAT);
    }
    return trace;
  }

  function element(name, text, cls) {
    const e = document.createElement(name);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function pane(run, id, heading) {
    const section = element('section', null, 'trace-pane');
    section.setAttribute('aria-labelledby', id + '-title');
    section.id = id;
    section.append(element('h3', heading + ': ' + run.deliveries.length + ' deliveries', null));
    section.firstChild.id = id + '-title';
    section.append(element('p', run.violation, 'mono'));
    const jump = element('button', 'Go to the violating step (' + run.badStep + ')', null);
    jump.type = 'button';
    section.append(jump);
    const table = element('table', null, 'trace-table');
    table.append(element('caption', 'one column per actor, one row per delivery; \u25B6 marks the recipient, \u2192 the sender', null));
    const head = element('tr', null, null);
    head.append(element('th', 'step', null), element('th', 'kind', null));
    for (const actor of run.actors) {
      const th = element('th', actor, null);
      th.scope = 'col';
      th.title = actor;
      head.append(th);
    }
    table.append(element('thead', null, null));
    table.tHead.append(head);
    const body = element('tbody', null, null);
    let bad = null;
    for (const d of run.deliveries) {
      const tr = element('tr', null, 'kind-' + d.kind);
      tr.dataset.step = d.step;
      tr.append(element('td', d.step === run.badStep ? d.step + ' \u2190 VIOLATION' : d.step, 'step num'), element('td', d.kind, null));
      for (const actor of run.actors) {
        if (actor === d.to) {
          const cell = element('td', (d.from === d.to ? '\u25CF ' : '\u25B6 ') + d.message, 'recv');
          cell.title = d.message + ' to ' + d.to + (d.from === d.to ? '' : ' from ' + d.from);
          tr.append(cell);
        } else if (actor === d.from) {
          const cell = element('td', '\u2192 ' + d.message, 'send');
          cell.title = d.message + ' from ' + d.from + ' to ' + d.to;
          tr.append(cell);
        } else {
          tr.append(element('td', '', null));
        }
      }
      if (d.step === run.badStep) {
        tr.className += ' bad';
        tr.dataset.bad = 'true';
        tr.tabIndex = -1;
        tr.setAttribute('aria-label', 'step ' + d.step + ': the violating delivery, ' + d.message + ' to ' + d.to);
        bad = tr;
      }
      body.append(tr);
    }
    table.append(body);
    section.append(table);
    jump.addEventListener('click', () => {
      if (bad) {
        (bad.querySelector('td.recv') || bad).scrollIntoView({ block: 'center', inline: 'center' });
        bad.focus({ preventScroll: true });
      }
    });
    return section;
  }

  /** Draws <paramref name="trace"/> into <paramref name="container"/>. */
  function render(container, trace) {
    const head = element('div', null, 'trace-head');
    head.append(element('h2', trace.title, null));
    head.append(element('p', 'pager ' + trace.pager + ', scenario ' + trace.scenario + ', rule ' + trace.shrunk.rule + '; the shrunk trace breaks the same rule in fewer deliveries', null));
    const panes = element('div', null, 'trace-panes');
    panes.append(pane(trace.shrunk, 'trace-shrunk', 'Shrunk'), pane(trace.original, 'trace-original', 'Original'));
    container.replaceChildren(head, panes);
    container.dataset.loaded = 'true';
  }

  window.ActorPagerTrace = { parse: parse, render: render };

  // The self-contained page check writes: its data is inline.
  document.addEventListener('DOMContentLoaded', () => {
    const data = document.getElementById('trace-data');
    const target = document.getElementById('trace');
    if (data && target) {
      render(target, parse(data.textContent));
    }
  });
})();
