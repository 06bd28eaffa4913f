// The enforcement pages' behaviour (docs/workbench.md): verifying a recorded draw (/draws),
// opening an inspection (/inspections), and the on-site checklist (/inspections/ID), which
// must lose nothing on a flaky network:
//  - every change to an item's form is kept at once in localStorage as a draft (key
//    "eco.inspection.ID.item.N"), restored when the page is loaded again, and removed only when
//    the server acknowledged the save (a 2xx answer);
//  - each submission carries a client request id, made when the draft is first changed after a
//    save and kept until the server acknowledged it: a save sent again after a lost answer
//    carries the same id, and the server records it once and answers the same
//    (POST /api/inspections/ID/items/N is idempotent on request_id);
//  - a changed draft after a submission whose answer was lost gets a new id (it is a newer
//    version, not the same submission).
// No inline script (the CSP forbids it): the pages load this file.
'use strict';
(function () {
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  // Resolves with the JSON answer; rejects with {message, network} (network: no answer came).
  function send(method, path, body) {
    var headers = { 'Accept': 'application/json', 'X-CSRF-Token': csrf() };
    var init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return { message: res.status + ' ' + res.statusText }; })
        .then(function (j) {
          if (res.ok) return { body: j, replayed: res.headers.get('X-Replayed') === 'true' };
          throw { message: j.message || String(res.status), network: false };
        });
    }, function (err) { throw { message: String(err && err.message || err), network: true }; });
  }
  function names(text) {
    return text.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var a = new Uint32Array(4);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return x.toString(16); }).join('-');
  }

  // /draws: verify buttons.
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-verify]');
    if (!b) return;
    var id = b.getAttribute('data-verify');
    var out = document.querySelector('[data-verify-result="' + id + '"]');
    b.disabled = true;
    send('GET', '/api/draws/' + encodeURIComponent(id) + '/verify').then(function (r) {
      out.setAttribute('data-verified', r.body.verified ? 'true' : 'false');
      out.textContent = r.body.verified ? b.getAttribute('data-ok')
                                        : b.getAttribute('data-bad') + ' ' + r.body.problems.join('; ');
    }).catch(function (err) { out.setAttribute('data-verified', 'error'); out.textContent = err.message; })
      .then(function () { b.disabled = false; });
  });

  // /inspections: open an inspection, then go to its checklist.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.hasAttribute('data-open-inspection')) return;
    ev.preventDefault();
    var out = form.querySelector('[data-error]');
    out.textContent = '';
    var body = { enterprise: form.elements.enterprise.value.trim(), planned_on: form.elements.planned_on.value,
                 inspectors: names(form.elements.inspectors.value) };
    var draw = form.elements.draw.value.trim();
    if (draw) body.draw = parseInt(draw, 10);
    send('POST', '/api/inspections', body).then(function (r) {
      window.location.assign('/inspections/' + encodeURIComponent(r.body.id));
    }).catch(function (err) { out.textContent = err.message; });
  });

  // /inspections/ID: the checklist's drafts.
  var section = document.getElementById('inspection');
  if (!section) return;
  var inspection = section.getAttribute('data-inspection');
  var network = document.getElementById('inspection-network');
  function showNetwork() { network.textContent = navigator.onLine ? '' : network.getAttribute('data-offline'); }
  window.addEventListener('online', showNetwork);
  window.addEventListener('offline', showNetwork);
  showNetwork();

  function key(form) { return 'eco.inspection.' + inspection + '.item.' + form.getAttribute('data-item'); }
  function read(form) {
    try { return JSON.parse(window.localStorage.getItem(key(form)) || 'null'); } catch (e) { return null; }
  }
  function write(form, draft) { window.localStorage.setItem(key(form), JSON.stringify(draft)); }
  function fields(form) {
    var checked = form.querySelector('input[name="outcome"]:checked');
    return { outcome: checked ? checked.value : '', note: form.elements.note.value,
             checked_on: form.elements.checked_on.value, evidence: form.elements.evidence_files.value };
  }
  function fill(form, f) {
    Array.prototype.forEach.call(form.querySelectorAll('input[name="outcome"]'), function (r) { r.checked = r.value === f.outcome; });
    form.elements.note.value = f.note || '';
    if (f.checked_on) form.elements.checked_on.value = f.checked_on;
    form.elements.evidence_files.value = f.evidence || '';
  }
  function state(form, which, extra) {
    var p = form.querySelector('[data-draft-state]');
    p.setAttribute('data-state', which);
    p.textContent = (which ? p.getAttribute('data-' + which) || '' : '') + (extra ? ' ' + extra : '');
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-outcome-form]'), function (form) {
    var draft = read(form);
    if (draft) { fill(form, draft.fields); state(form, 'restored'); }
    // Every change is kept at once; a change after a submission makes it a new one.
    function keep() {
      var d = read(form) || {};
      if (!d.request_id || d.sent) { d.request_id = newId(); d.sent = false; }
      d.fields = fields(form);
      write(form, d);
      state(form, 'unsent');
    }
    form.addEventListener('input', keep);
    form.addEventListener('change', keep);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var out = form.querySelector('[data-error]');
      out.textContent = '';
      var d = read(form);
      if (!d) { keep(); d = read(form); }
      d.fields = fields(form);
      d.sent = true;  // an answer may still be lost: the same id goes again until one comes
      write(form, d);
      var body = { outcome: d.fields.outcome, note: d.fields.note, checked_on: d.fields.checked_on,
                   evidence_files: names(d.fields.evidence), request_id: d.request_id };
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      send('POST', form.getAttribute('data-path'), body).then(function (r) {
        window.localStorage.removeItem(key(form));  // acknowledged: the draft has done its work
        state(form, r.replayed ? 'replayed' : 'saved', 'v' + r.body.version);
        form.setAttribute('data-saved-version', r.body.version);
      }).catch(function (err) {
        // Not acknowledged: the draft stays, the form as typed, the id kept (marked sent): saving
        // again unchanged resends the same submission; a change first makes a new one.
        state(form, 'unsent');
        out.setAttribute('data-network', err.network ? 'true' : 'false');
        out.textContent = err.network ? out.getAttribute('data-no-answer') : err.message;
      }).then(function () { button.disabled = false; });
    });
  });
}());
