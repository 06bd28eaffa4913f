// The workbench's pages: forms marked data-api="PATH" data-method="POST|PUT|PATCH|DELETE" are
// sent as JSON with the session's CSRF token (from <meta name="csrf-token">); an error's message
// is shown in the form's [data-error]; success goes to data-next or reloads the page. Fields
// named in data-lists ("roles jurisdictions") are sent as lists (checkboxes, or text split at
// commas). No inline script anywhere (the CSP forbids it): this file is the pages' behaviour.
'use strict';
(function () {
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  function send(method, path, body) {
    var headers = { 'Accept': 'application/json', 'X-CSRF-Token': csrf() };
    var init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      if (res.ok) return res;
      return res.json().catch(function () { return { message: res.status + ' ' + res.statusText }; })
        .then(function (err) { throw new Error(err.message || String(res.status)); });
    });
  }
  function collect(form) {
    var lists = (form.getAttribute('data-lists') || '').split(/\s+/).filter(Boolean);
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      if (lists.indexOf(el.name) >= 0) {
        body[el.name] = body[el.name] || [];
        if (el.type === 'checkbox') { if (el.checked) body[el.name].push(el.value); }
        else el.value.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean)
          .forEach(function (v) { body[el.name].push(v); });
      } else if (el.type !== 'submit' && el.type !== 'button') {
        body[el.name] = el.value;
      }
    });
    return body;
  }
  function localPath(p) { return p && p.charAt(0) === '/' && p.charAt(1) !== '/' && p.charAt(1) !== '\\' ? p : null; }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var path = form.getAttribute('data-api');
    if (!path) return;
    ev.preventDefault();
    var confirmText = form.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    var out = form.querySelector('[data-error]');
    if (out) out.textContent = '';
    send(form.getAttribute('data-method') || 'POST', path, collect(form)).then(function () {
      var next = localPath(form.getAttribute('data-next'));
      if (next) window.location.assign(next); else window.location.reload();
    }).catch(function (err) { if (out) out.textContent = err.message; });
  });
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-sign-out]');
    if (!b) return;
    send('DELETE', '/api/session').then(function () { window.location.assign('/sign-in'); })
      .catch(function () { window.location.assign('/sign-in'); });
  });
  // A button marked data-print prints the page (the live audit page's print stylesheet leaves
  // the on-site checklist).
  document.addEventListener('click', function (ev) {
    if (ev.target.closest('[data-print]')) window.print();
  });
  // Background jobs (docs/jobs.md): a row marked data-job="ID" polls /api/jobs/ID every second,
  // shows its progress in [data-job-progress] and [data-job-stage], and reloads the page once
  // the job has finished (the page then shows its outcome).
  Array.prototype.forEach.call(document.querySelectorAll('[data-job]'), function (row) {
    var id = row.getAttribute('data-job');
    function poll() {
      fetch('/api/jobs/' + encodeURIComponent(id), { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (job) {
          if (!job) return;
          var bar = row.querySelector('[data-job-progress]');
          if (bar) { bar.max = job.progress.total || 1; bar.value = job.progress.done; }
          var stage = row.querySelector('[data-job-stage]');
          // The stage's name in the page's language (data-stage-NAME), else as the API says it.
          if (stage) stage.textContent = stage.getAttribute('data-stage-' + job.progress.stage) || job.progress.stage;
          if (job.finished) window.location.reload(); else window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
  // A staged import still being validated: the page looks again in two seconds.
  if (document.querySelector('[data-reload-while]')) window.setTimeout(function () { window.location.reload(); }, 2000);
  // Uploads: forms marked data-upload="PATH" send their files as multipart/form-data with the
  // session's CSRF token; an error's message goes to the form's [data-error].
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var path = form.getAttribute('data-upload');
    if (!path) return;
    ev.preventDefault();
    var out = form.querySelector('[data-error]');
    if (out) out.textContent = '';
    fetch(path, { method: 'POST', headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf() },
                  credentials: 'same-origin', body: new FormData(form) })
      .then(function (res) {
        if (res.ok) return res;
        return res.json().catch(function () { return { message: res.status + ' ' + res.statusText }; })
          .then(function (err) { throw new Error(err.message || String(res.status)); });
      })
      .then(function () { window.location.reload(); })
      .catch(function (err) { if (out) out.textContent = err.message; });
  });
  // Tables at tablet width: below 800px app.css shows each row of a table.list as a block of
  // its cells without the heading row, so each cell shown as a block of its own is given its
  // column's heading (data-label, shown before it by app.css): "3" then still says it is a line
  // number. Tables whose heading row stays, and cells a page sets side by side (inline), are
  // left as they are.
  function labelCells() {
    Array.prototype.forEach.call(document.querySelectorAll('table.list'), function (table) {
      var head = table.querySelector('thead');
      if (!head || window.getComputedStyle(head).display !== 'none') return;
      var names = Array.prototype.map.call(head.querySelectorAll('tr:first-child > th'), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll('tbody > tr'), function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (td) {
          if (names[col] && !td.hasAttribute('data-label') && window.getComputedStyle(td).display === 'block')
            td.setAttribute('data-label', names[col]);
          col += td.colSpan || 1;
        });
      });
    });
  }
  var narrow = window.matchMedia('(max-width: 800px)');
  labelCells();
  narrow.addEventListener('change', function () { if (narrow.matches) labelCells(); });
}());
