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
}());
