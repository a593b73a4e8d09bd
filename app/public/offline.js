// zhuqi's offline kit, page side. Plain JavaScript, so it runs before the WASM has arrived and
// on phones that never finish downloading it.
//
// - Drafts: a form marked data-draft is kept in IndexedDB as it is typed (photos included) and
//   restored after a reload or a tab the phone discarded, with its idempotency key.
// - Outbox: a form marked data-outbox is sent by this script to the versioned JSON API. A visit
//   that cannot reach the server waits in the outbox and is sent when the network returns (at
//   start, on `online`, when the tab is shown again, and on a backoff timer), by one sender
//   across tabs (a Web Lock); the key, frozen at the first attempt, makes a resend one visit.
// - Refused posts: a form the server refused comes back as a new page; what was typed is put
//   back and the refusal leaves the address.
// - The service worker (/sw/v1.js) keeps the pages; logging out forgets this user's drafts,
//   outbox and pages, after a warning when visits are still unsent.
(function () {
  'use strict';
  var me = document.currentScript;
  var T = {};
  try { T = JSON.parse(me.getAttribute('data-texts') || '{}'); } catch (_) { T = {}; }
  var WORKER = me.getAttribute('data-sw');
  var MAX_EDGE = 1600; // a photo's long edge after shrinking, in pixels
  var BACKOFF_MIN = 15000, BACKOFF_MAX = 300000;
  var backoff = BACKOFF_MIN, timer = null;

  function text(key, values) {
    var s = T[key] || key;
    Object.keys(values || {}).forEach(function (k) { s = s.split('{' + k + '}').join(values[k]); });
    return s;
  }

  // --- IndexedDB, in promises -----------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
        var req = indexedDB.open('zhuqi-offline', 1);
        req.onupgradeneeded = function () {
          var d = req.result;
          d.createObjectStore('drafts', { keyPath: 'id' });
          d.createObjectStore('outbox', { keyPath: 'key' });
          // Keys already sent or queued: a form page served from the cache carries a key that
          // was minted once on the server, and must not be used for a second visit.
          d.createObjectStore('used', { keyPath: 'key' });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function op(store, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(store, mode);
        var result;
        var req = fn(tx.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function get(store, key) { return op(store, 'readonly', function (s) { return s.get(key); }); }
  function put(store, value) { return op(store, 'readwrite', function (s) { return s.put(value); }); }
  function del(store, key) { return op(store, 'readwrite', function (s) { return s.delete(key); }); }
  function all(store) { return op(store, 'readonly', function (s) { return s.getAll(); }); }

  // --- who is here ------------------------------------------------------------------------------
  function user() {
    var f = document.querySelector('form.logout[data-user]');
    return f ? f.getAttribute('data-user') : '';
  }
  function mine(items) {
    var u = user();
    return (items || []).filter(function (i) { return u && i.user === u; });
  }

  function freshKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // --- drafts -----------------------------------------------------------------------------------
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (e) {
      return e.name && e.type !== 'submit' && e.type !== 'button' && e.type !== 'file';
    });
  }
  function draftId(form) { return form.getAttribute('data-draft') + '.' + user(); }

  var photos = new WeakMap(); // form -> [{name, blob}]
  var positions = new WeakMap(); // form -> {latitude, longitude, accuracy}

  function collect(form) {
    var values = {};
    fields(form).forEach(function (e) {
      if (e.type === 'radio' || e.type === 'checkbox') { if (e.checked) values[e.name] = e.value; }
      else values[e.name] = e.value;
    });
    return values;
  }

  var saving = new WeakMap();
  function saveSoon(form) {
    clearTimeout(saving.get(form));
    saving.set(form, setTimeout(function () { saveDraft(form); }, 250));
  }
  function saveDraft(form) {
    if (!user()) return Promise.resolve();
    return put('drafts', {
      id: draftId(form),
      user: user(),
      saved: Date.now(),
      values: collect(form),
      photos: photos.get(form) || [],
      position: positions.get(form) || null,
      error: null,
      firmName: form.getAttribute('data-firm-name') || '',
    }).catch(function () { /* storage off or full: the form still works, without a draft */ });
  }

  function fire(e) {
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function restore(form) {
    return get('drafts', draftId(form)).then(function (d) {
      if (!d) {
        // No draft: the key the page came with may be one a cached copy already gave out.
        var keyField = form.elements.namedItem('idempotency_key');
        if (keyField) {
          return get('used', keyField.value).then(function (used) {
            if (used) keyField.value = freshKey();
          });
        }
        return null;
      }
      fields(form).forEach(function (e) {
        if (!Object.prototype.hasOwnProperty.call(d.values, e.name)) {
          if (e.type === 'radio' || e.type === 'checkbox') e.checked = false;
          return;
        }
        var v = d.values[e.name];
        if (e.type === 'radio' || e.type === 'checkbox') e.checked = e.value === v;
        // Of the hidden fields only the key comes back; the firm is the page's own.
        else if (e.type !== 'hidden' || e.name === 'idempotency_key') e.value = v;
      });
      photos.set(form, d.photos || []);
      positions.set(form, d.position || null);
      showPhotos(form);
      showPosition(form, d.position ? 'ok' : null);
      Array.prototype.forEach.call(form.querySelectorAll('details'), function (det) {
        var filled = Array.prototype.some.call(det.querySelectorAll('select, textarea'), function (e) { return e.value; });
        if (filled) det.open = true;
      });
      fields(form).forEach(function (e) { if (e.type !== 'hidden') fire(e); });
      var note = document.getElementById('draft-restored');
      if (note) {
        note.textContent = d.error ? text('refusedBack', { reason: d.error }) : text('draftRestored');
        note.hidden = false;
      }
    }).catch(function () { /* no storage: nothing to restore */ });
  }

  // --- photos and position ----------------------------------------------------------------------
  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
        resolve(file); // a PDF, or a browser that cannot draw it: sent as it is
        return;
      }
      createImageBitmap(file).then(function (img) {
        var scale = Math.min(1, MAX_EDGE / Math.max(img.width, img.height));
        var canvas = document.createElement('canvas');
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) { resolve(blob || file); }, 'image/jpeg', 0.85);
      }).catch(function () { resolve(file); });
    });
  }
  function showPhotos(form) {
    var out = form.querySelector('[data-photo-status]');
    if (!out) return;
    var n = (photos.get(form) || []).length;
    out.textContent = n ? text('photosAdded', { n: String(n) }) : '';
  }
  function addPhotos(form, input) {
    var files = Array.prototype.slice.call(input.files || []);
    Promise.all(files.map(function (f) {
      return shrink(f).then(function (blob) {
        var name = f.name.replace(/\.[^.]*$/, '') + (blob.type === 'image/jpeg' ? '.jpg' : '');
        return { name: name || 'photo.jpg', blob: blob };
      });
    })).then(function (shrunk) {
      photos.set(form, (photos.get(form) || []).concat(shrunk).slice(0, 6));
      input.value = '';
      showPhotos(form);
      saveDraft(form);
    });
  }
  function showPosition(form, state, accuracy) {
    var out = form.querySelector('[data-position-status]');
    if (!out) return;
    var p = positions.get(form);
    if (state === 'ok' && p) out.textContent = text('positionKept', { m: String(Math.ceil(p.accuracy)) });
    else if (state === 'wait') out.textContent = text('positionWait');
    else if (state === 'failed') out.textContent = text('positionFailed');
    else out.textContent = '';
    // While the phone looks for a fix the box stays ticked as the coordinator left it.
    var box = form.querySelector('[data-position]');
    if (box && state !== 'wait') box.checked = !!p;
  }
  function askPosition(form, box) {
    if (!box.checked) { positions.set(form, null); showPosition(form, null); saveDraft(form); return; }
    if (!navigator.geolocation) { box.checked = false; showPosition(form, 'failed'); return; }
    showPosition(form, 'wait');
    navigator.geolocation.getCurrentPosition(function (pos) {
      positions.set(form, { latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracy: pos.coords.accuracy });
      showPosition(form, 'ok');
      saveDraft(form);
    }, function () {
      // Refused, or no fix indoors: the visit goes without a position.
      positions.set(form, null);
      showPosition(form, 'failed');
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  // --- the outbox -------------------------------------------------------------------------------
  function visitBody(form) {
    var v = collect(form);
    var problems = [];
    for (var n = 1; n <= 3; n++) {
      problems.push({ measure: v['p' + n + '_measure'] || '', description: v['p' + n + '_description'] || '', unit: v['p' + n + '_unit'] || '' });
    }
    return {
      visit_date: v.visit_date || '', kind: v.kind || '', participants: v.participants || '',
      summary: v.summary || '', idempotency_key: v.idempotency_key || '', problems: problems,
      captured_at: new Date().toISOString(), position: positions.get(form) || null,
    };
  }

  // One attempt for one entry: 'sent', 'refused' (the server said no: retrying will not help)
  // or 'later' (no network, a timeout, a server fault).
  function attempt(entry) {
    function post(url, init) {
      var ctl = window.AbortController ? new AbortController() : null;
      var t = ctl && setTimeout(function () { ctl.abort(); }, 30000);
      if (ctl) init.signal = ctl.signal;
      init.credentials = 'same-origin';
      return fetch(url, init).then(function (r) { clearTimeout(t); return r; });
    }
    function verdict(r) {
      if (r.ok) return r.json();
      // 401: the session ended while the phone was away (30 minutes idle is enough); the visit
      // waits for this user to log in again rather than going back to the draft.
      if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 408 && r.status !== 429) {
        var en = /^en/.test(document.documentElement.lang);
        return r.json().catch(function () { return {}; }).then(function (p) {
          var reason = (p && ((en ? p.detail_en : p.detail) || p.title)) || String(r.status);
          if (p && p.errors && p.errors.length) {
            reason = p.errors.map(function (e) { return en ? e.message_en : e.message; }).join(en ? '; ' : '；');
          }
          throw { refused: reason, status: r.status };
        });
      }
      throw { later: true };
    }
    var step = entry.visitId ? Promise.resolve({ visit_id: entry.visitId }) :
      post('/api/v1/firms/' + entry.firm + '/visits', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(entry.body),
      }).then(verdict);
    return step.then(function (logged) {
      entry.visitId = logged.visit_id;
      if (logged.problem_ids) entry.problemCount = logged.problem_ids.length;
      return put('outbox', entry).then(function () {
        // Photos one by one; each sent photo leaves the entry, so a resend starts after it
        // (and the server takes the same file for the same visit only once anyway).
        function next() {
          if (!entry.photos.length) return null;
          var form = new FormData();
          form.append('file', entry.photos[0].blob, entry.photos[0].name);
          return post('/visits/' + entry.visitId + '/attachments', {
            method: 'POST', headers: { 'Accept': 'application/json' }, body: form,
          }).then(verdict).then(function () {
            entry.photos.shift();
            return put('outbox', entry).then(next);
          });
        }
        return next();
      });
    }).then(function () {
      return del('outbox', entry.key).then(function () { return 'sent'; });
    }).catch(function (e) {
      if (e && e.refused) {
        entry.refused = e.refused;
        return 'refused';
      }
      return 'later';
    });
  }

  // A visit the server refused goes back to the drafts, with the reason, for the coordinator
  // to mend; photos of a visit already stored that were refused are dropped with the reason.
  function giveBack(entry) {
    var done = del('outbox', entry.key);
    if (entry.visitId) return done;
    return done.then(function () {
      return put('drafts', {
        id: entry.draft, user: entry.user, saved: Date.now(), values: entry.values,
        photos: entry.photos, position: entry.body.position, error: entry.refused, firmName: entry.firmName,
      });
    });
  }

  function withLock(fn) {
    if (navigator.locks && navigator.locks.request) return navigator.locks.request('zhuqi-outbox', fn);
    return fn();
  }

  var sending = false, again = false;
  function flush() {
    if (!user()) return Promise.resolve();
    // A reason to send that comes while sending (the network came back during a failing
    // attempt) is not dropped: one more round follows this one.
    if (sending) { again = true; return Promise.resolve(); }
    sending = true;
    again = false;
    return withLock(function () {
      return all('outbox').then(function (items) {
        var sent = 0, later = 0;
        return mine(items).reduce(function (p, entry) {
          return p.then(function () {
            return attempt(entry).then(function (r) {
              if (r === 'sent') { sent++; return null; }
              if (r === 'refused') {
                // Back in the draft; a form of it open on this page shows it again at once.
                return giveBack(entry).then(function () {
                  Array.prototype.forEach.call(document.querySelectorAll('form[data-draft]'), function (form) {
                    if (draftId(form) === entry.draft) restore(form);
                  });
                });
              }
              later++;
              return null;
            });
          });
        }, Promise.resolve()).then(function () { return { sent: sent, later: later }; });
      });
    }).then(function (r) {
      sending = false;
      if (r && r.sent) { justSent = true; }
      if (again) { backoff = BACKOFF_MIN; setTimeout(flush, 0); }
      else if (r && r.later) schedule(); else backoff = BACKOFF_MIN;
      return bar();
    }, function () { sending = false; schedule(); });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
  }

  // --- the status bar -------------------------------------------------------------------------
  var justSent = false;
  var unsent = 0; // this user's visits waiting in the outbox, as last counted
  function bar() {
    var el = document.getElementById('outbox-bar');
    if (!el || !user()) return Promise.resolve();
    return Promise.all([all('outbox'), all('drafts')]).then(function (r) {
      var waiting = mine(r[0]);
      var refused = mine(r[1]).filter(function (d) { return d.error; });
      // Visits this tab saw waiting are gone, and none came back refused: sent (by this tab's
      // sender or another's).
      if (unsent && !waiting.length && !refused.length) justSent = true;
      unsent = waiting.length;
      el.textContent = '';
      if (waiting.length) {
        var s = document.createElement('span');
        s.className = 'unsent';
        s.setAttribute('data-unsent', String(waiting.length));
        s.textContent = text('unsent', { n: String(waiting.length) });
        el.appendChild(s);
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'link';
        b.textContent = text('sendNow');
        b.addEventListener('click', function () { backoff = BACKOFF_MIN; flush(); });
        el.appendChild(b);
      } else if (justSent) {
        var ok = document.createElement('span');
        ok.className = 'sent';
        ok.textContent = text('sent');
        el.appendChild(ok);
      }
      refused.forEach(function (d) {
        var a = document.createElement('a');
        a.className = 'refused';
        a.href = '/firms/' + d.id.split('.')[1] + '/visit';
        a.textContent = text('refused', { firm: d.firmName, reason: d.error });
        el.appendChild(a);
      });
      el.hidden = !el.childNodes.length;
    }).catch(function () { /* no storage */ });
  }

  // --- refused posts -----------------------------------------------------------------------------
  // Pages are plain HTML (only islands hydrate), so a form the server refuses comes back as a new
  // page whose address carries the refusal (__path, __err) for the page to show. What was typed
  // is kept for that one trip (sessionStorage, never a password or a hidden field) and put back;
  // then the address drops the refusal, so a reload or a copied link does not show it again.
  var POSTED = 'zhuqi-posted';
  function actionPath(form) { return new URL(form.getAttribute('action') || '', location.href).pathname; }
  function keepPosted(form) {
    if ((form.getAttribute('method') || '').toLowerCase() !== 'post') return;
    var values = {};
    fields(form).forEach(function (e) {
      if (e.type === 'password' || e.type === 'hidden') return;
      if (e.type === 'radio' || e.type === 'checkbox') values[e.name + '=' + e.value] = e.checked;
      else values[e.name] = e.value;
    });
    try {
      sessionStorage.setItem(POSTED, JSON.stringify({ action: actionPath(form), page: location.pathname, values: values }));
    } catch (_) { /* storage off: the server's echo, where a form has one, still refills it */ }
  }
  var refusedPage = false;
  // The refusal the server drew next to the submit button (autofocus) in view, once the draft
  // and the islands have settled the layout: the coordinator's thumb is there.
  function showRefusal() {
    var el = refusedPage && document.querySelector('[autofocus]:not([hidden])');
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'center' });
  }
  function givePostedBack() {
    var q = new URLSearchParams(location.search);
    var path = q.get('__path');
    if (!path || !q.has('__err')) return;
    refusedPage = true;
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(POSTED) || 'null'); sessionStorage.removeItem(POSTED); } catch (_) { kept = null; }
    var form = Array.prototype.find.call(document.forms, function (f) { return actionPath(f) === path; });
    if (kept && form && kept.action === path && kept.page === location.pathname && !form.hasAttribute('data-draft')) {
      fields(form).forEach(function (e) {
        if (e.type === 'password' || e.type === 'hidden') return;
        if (e.type === 'radio' || e.type === 'checkbox') {
          var k = e.name + '=' + e.value;
          if (k in kept.values) e.checked = kept.values[k];
        } else if (e.name in kept.values) {
          e.value = kept.values[e.name];
        }
      });
    }
    q.delete('__path');
    q.delete('__err');
    var rest = q.toString();
    history.replaceState(history.state, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
  }

  // --- events -----------------------------------------------------------------------------------
  function onSubmit(ev) {
    var form = ev.target;
    if (!form || form.tagName !== 'FORM') return;
    if (form.classList.contains('logout')) { onLogout(ev); return; }
    if (!form.hasAttribute('data-outbox')) { keepPosted(form); return; }
    if (!window.indexedDB) return;
    if (form.getAttribute('data-pass') === '1') { form.removeAttribute('data-pass'); return; }
    // This script sends it: the app's handler and the plain post stand aside.
    ev.preventDefault();
    ev.stopImmediatePropagation();
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    var body = visitBody(form);
    var entry = {
      key: body.idempotency_key || freshKey(), user: user(), firm: form.getAttribute('data-outbox'),
      firmName: form.getAttribute('data-firm-name') || '', draft: draftId(form), body: body,
      values: collect(form), photos: (photos.get(form) || []).slice(), queued: Date.now(),
    };
    body.idempotency_key = entry.key;
    clearTimeout(saving.get(form));
    put('used', { key: entry.key, at: Date.now() })
      .then(function () { return put('outbox', entry); })
      .then(function () { return del('drafts', entry.draft); })
      .then(function () { return withLock(function () { return attempt(entry); }); })
      .then(function (r) {
        if (button) button.disabled = false;
        if (r === 'sent') {
          location.assign('/firms/' + entry.firm + '?logged=' + entry.visitId + '&problems=' + (entry.problemCount || 0));
        } else if (r === 'refused') {
          // The server said what is wrong: the app's own form shows it field by field.
          del('outbox', entry.key).then(function () { return saveDraft(form); }).then(function () {
            form.setAttribute('data-pass', '1');
            form.requestSubmit();
          });
        } else {
          var note = document.getElementById('draft-restored');
          if (note) { note.textContent = text('savedHere'); note.hidden = false; note.focus && note.focus(); }
          form.reset();
          photos.set(form, []);
          positions.set(form, null);
          showPhotos(form);
          showPosition(form, null);
          var keyField = form.elements.namedItem('idempotency_key');
          if (keyField) keyField.value = freshKey();
          schedule();
          bar();
        }
      }).catch(function () {
        // No storage after all: let the form go the ordinary way.
        if (button) button.disabled = false;
        form.setAttribute('data-pass', '1');
        form.requestSubmit();
      });
  }

  function forget(u) {
    var drop = function (store, items) {
      return Promise.all(items.filter(function (i) { return i.user === u; }).map(function (i) {
        return del(store, store === 'outbox' ? i.key : i.id);
      }));
    };
    var jobs = [
      all('drafts').then(function (i) { return drop('drafts', i); }),
      all('outbox').then(function (i) { return drop('outbox', i); }),
    ];
    if (window.caches) jobs.push(caches.delete('zhuqi-pages-v1'));
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: 'forget' });
    }
    return Promise.all(jobs).catch(function () { return null; });
  }

  // Decided at once (the logout must not wait on storage): the count is the one the status
  // line last showed, and the browser's own confirm() blocks until answered.
  function onLogout(ev) {
    if (unsent && !window.confirm(text('logoutUnsent', { n: String(unsent) }))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      return;
    }
    forget(user());
  }

  function onEdit(ev) {
    var e = ev.target;
    var form = e && e.form;
    if (!form || !form.hasAttribute('data-draft')) return;
    if (e.type === 'file' && e.hasAttribute('data-photos')) { if (ev.type === 'change') addPhotos(form, e); return; }
    if (e.hasAttribute('data-position')) { if (ev.type === 'change') askPosition(form, e); return; }
    saveSoon(form);
  }

  // Offline, the app's own navigation would ask the server for data it cannot reach: go to the
  // page the ordinary way, which the service worker answers from its copy.
  function onClick(ev) {
    if (navigator.onLine || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    var a = ev.target && ev.target.closest && ev.target.closest('a[href]');
    if (!a || a.target || a.origin !== location.origin) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    location.assign(a.href);
  }

  var seen = new WeakSet();
  var lastPath = null;
  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-draft]'), function (form) {
      if (seen.has(form)) return;
      seen.add(form);
      Array.prototype.forEach.call(form.querySelectorAll('[data-needs-script]'), function (e) { e.hidden = false; });
      restore(form).then(showRefusal);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-visit-logged]'), function (n) {
      all('drafts').then(function (items) {
        mine(items).filter(function (d) { return d.id.indexOf('visit.' + n.getAttribute('data-visit-logged') + '.') === 0 && !d.error; })
          .forEach(function (d) { del('drafts', d.id); });
      }).catch(function () { return null; });
    });
    if (location.pathname !== lastPath) {
      // The app moved to another page without loading it: the worker never saw its request.
      lastPath = location.pathname;
      if (navigator.serviceWorker && navigator.serviceWorker.controller && !location.search) {
        navigator.serviceWorker.controller.postMessage({ type: 'keep', path: location.pathname });
      }
      bar();
    }
  }

  window.addEventListener('submit', onSubmit, true);
  window.addEventListener('click', onClick, true);
  document.addEventListener('input', onEdit, true);
  document.addEventListener('change', onEdit, true);
  window.addEventListener('online', function () { backoff = BACKOFF_MIN; flush(); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') flush(); });
  function start() {
    givePostedBack();
    showRefusal();
    lastPath = location.pathname;
    bar();
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
    flush();
    if (WORKER && navigator.serviceWorker) {
      navigator.serviceWorker.register(WORKER, { scope: '/' }).catch(function () { /* no worker: online only */ });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
