// Keeps what is typed into a form marked data-draft on this phone (localStorage) until it
// reaches the server, so a reload, or a tab the phone discarded, does not lose a visit half
// written in the field. Plain JavaScript: it works before the WASM has loaded, and without it.
// A draft keeps the form's idempotency key, so sending it again after a reload is still one visit.
(function () {
  'use strict';
  var PREFIX = 'zhuqi.draft.';

  function store(op, key, value) {
    try {
      if (op === 'get') return window.localStorage.getItem(key);
      if (op === 'set') window.localStorage.setItem(key, value);
      if (op === 'remove') window.localStorage.removeItem(key);
    } catch (_) { /* storage off or full: the form still works, without a draft */ }
    return null;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (e) {
      return e.name && e.type !== 'submit' && e.type !== 'button' && e.type !== 'file';
    });
  }

  function save(form) {
    var data = {};
    fields(form).forEach(function (e) {
      if (e.type === 'radio' || e.type === 'checkbox') {
        if (e.checked) data[e.name] = e.value;
      } else {
        data[e.name] = e.value;
      }
    });
    store('set', PREFIX + form.dataset.draft, JSON.stringify({ saved: Date.now(), data: data }));
  }

  function restore(form) {
    form.dataset.draftSeen = '1';
    var draft;
    try { draft = JSON.parse(store('get', PREFIX + form.dataset.draft) || 'null'); } catch (_) { draft = null; }
    if (!draft || !draft.data) return;
    fields(form).forEach(function (e) {
      if (!Object.prototype.hasOwnProperty.call(draft.data, e.name)) return;
      var v = draft.data[e.name];
      if (e.type === 'radio' || e.type === 'checkbox') e.checked = e.value === v;
      // Of the hidden fields only the key comes back; the firm is the page's own.
      else if (e.type !== 'hidden' || e.name === 'idempotency_key') e.value = v;
    });
    // A problem slot folded away but holding restored text is opened.
    Array.prototype.forEach.call(form.querySelectorAll('details'), function (d) {
      var filled = Array.prototype.some.call(d.querySelectorAll('select, textarea'), function (e) { return e.value; });
      if (filled) d.open = true;
    });
    var note = document.getElementById('draft-restored');
    if (note) note.hidden = false;
  }

  // Forms and the "visit logged" notice may come with the page or be drawn later by the app.
  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-draft]'), function (form) {
      if (!form.dataset.draftSeen) restore(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-visit-logged]'), function (n) {
      store('remove', PREFIX + 'visit.' + n.getAttribute('data-visit-logged'));
    });
  }

  function onEdit(ev) {
    var form = ev.target && ev.target.form;
    if (form && form.dataset.draft) save(form);
  }

  document.addEventListener('input', onEdit, true);
  document.addEventListener('change', onEdit, true);
  // Logging out forgets every draft kept on this phone: the next user must not find them.
  document.addEventListener('submit', function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains('logout')) {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) store('remove', k);
      }
    }
  }, true);
  scan();
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
})();
