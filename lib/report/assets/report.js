/* report.js — the report page's light interactivity: the host table rebuilt
 * from the data block (every host, paged, sortable, filterable by verdict,
 * region and name) and a timeline for hosts the page has none for. Data is
 * written with textContent only: it comes from logs and is hostile. */
(function () {
  'use strict';
  var el = function (id) { return document.getElementById(id); };
  var node = el('ug-data');
  if (!node) return;
  var data;
  try { data = JSON.parse(node.textContent); } catch (e) { return; }
  document.documentElement.classList.add('js');
  var hosts = data.hosts; /* [name, verdict, score, server, region, first, evidence, static, items] */
  var sources = data.sources || [];
  var strs = data.strs || [];
  function str(i) { return strs[i] || ''; }
  function src(s) { return s && sources[s[0]] !== undefined ? sources[s[0]] + ':' + s[1] : ''; }
  var rank = { 'compromised': 0, 'suspicious': 1, 'clean-delivery': 2, 'no-delivery': 3 };
  var PAGE = 100, page = 0, sortKey = 1, sortDir = 1, rows = [];
  var fv = el('f-verdict'), fr = el('f-region'), fn = el('f-name');
  var tbody = document.querySelector('#host-table tbody');
  el('host-controls').hidden = false;

  var regions = {};
  hosts.forEach(function (h) { if (h[4]) regions[h[4]] = true; });
  Object.keys(regions).sort().forEach(function (r) {
    var o = document.createElement('option');
    o.value = r; o.textContent = r;
    fr.appendChild(o);
  });

  function key(i, k) {
    var h = hosts[i];
    if (k === 1) return rank[h[1]] * 1e7 - h[2];
    if (k === 2 || k === 6) return -h[k];
    return (h[k] || '\uffff').toLowerCase();
  }
  function cmp(a, b) {
    var x = key(a, sortKey), y = key(b, sortKey);
    if (x < y) return -sortDir;
    if (x > y) return sortDir;
    return a - b;
  }
  function apply() {
    var v = fv.value, r = fr.value, n = fn.value.toLowerCase();
    rows = [];
    for (var i = 0; i < hosts.length; i++) {
      var h = hosts[i];
      if ((v && h[1] !== v) || (r && h[4] !== r) || (n && h[0].toLowerCase().indexOf(n) < 0)) continue;
      rows.push(i);
    }
    rows.sort(cmp);
    page = 0;
    render();
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function render() {
    var frag = document.createDocumentFragment();
    rows.slice(page * PAGE, page * PAGE + PAGE).forEach(function (i) {
      var h = hosts[i], tr = document.createElement('tr');
      tr.className = 'v-' + h[1];
      var a = document.createElement('a');
      a.href = '#h' + i;
      a.textContent = h[0];
      a.addEventListener('click', function (ev) { ev.preventDefault(); show(i); });
      cell(tr, '').appendChild(a);
      cell(tr, h[1], 'verdict');
      cell(tr, h[2].toFixed(1));
      cell(tr, h[3]);
      cell(tr, h[4]);
      cell(tr, h[5]);
      cell(tr, String(h[6]));
      frag.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(frag);
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    el('f-count').textContent = rows.length + ' host(s)';
    el('p-info').textContent = 'page ' + (page + 1) + ' of ' + pages;
    el('p-prev').disabled = page === 0;
    el('p-next').disabled = page + 1 >= pages;
  }
  function span(parent, cls, text) {
    var s = document.createElement(cls === 'b' ? 'b' : cls === 'time' ? 'time' : cls === 'src' ? 'code' : 'span');
    if (cls !== 'b' && cls !== 'time') s.className = cls;
    s.textContent = text;
    parent.appendChild(s);
    parent.appendChild(document.createTextNode(' '));
  }
  function build(i) {
    var h = hosts[i], sec = document.createElement('section');
    sec.className = 'host';
    sec.id = 'h' + i;
    var h3 = document.createElement('h3');
    h3.textContent = h[0] + ' ';
    span(h3, 'verdict v-' + h[1], h[1]);
    span(h3, 'score', 'score ' + h[2].toFixed(1));
    sec.appendChild(h3);
    var ol = document.createElement('ol');
    ol.className = 'tl';
    h[8].forEach(function (it) {
      var li = document.createElement('li');
      span(li, 'time', it[1]);
      if (it[0] === 'd') {
        li.className = 'd';
        span(li, 'b', it[5] ? 'delivery in window' : 'delivery');
        span(li, 'server', 'from ' + (str(it[2]) || 'unknown server') + (str(it[3]) ? ' (' + str(it[3]) + ')' : ''));
        if (str(it[4])) span(li, 'url', str(it[4]));
        if (src(it[6])) span(li, 'src', src(it[6]));
      } else {
        li.className = it[5] >= 4 ? 'e strong' : 'e';
        span(li, 'b', str(it[2]));
        span(li, 'tech', str(it[3]));
        span(li, 'sum', str(it[4]));
        span(li, 'why', '(weight ' + it[5].toFixed(1) + ')');
        if (src(it[6])) span(li, 'src', src(it[6]));
      }
      ol.appendChild(li);
    });
    if (!h[8].length) {
      var p = document.createElement('p');
      p.textContent = 'No delivery of the product was seen for this host.';
      sec.appendChild(p);
    }
    sec.appendChild(ol);
    return sec;
  }
  function show(i) {
    var sec = el('h' + i), detail = el('host-detail');
    Array.prototype.forEach.call(document.querySelectorAll('.host.current'), function (e) {
      e.classList.remove('current');
    });
    if (!sec) {
      sec = build(i);
      detail.textContent = '';
      detail.appendChild(sec);
    }
    sec.classList.add('current');
    sec.scrollIntoView();
    if (history.replaceState) history.replaceState(null, '', '#h' + i);
  }

  Array.prototype.forEach.call(document.querySelectorAll('#host-table th'), function (th) {
    th.addEventListener('click', function () {
      var k = +th.getAttribute('data-k');
      if (sortKey === k) sortDir = -sortDir; else { sortKey = k; sortDir = 1; }
      rows.sort(cmp);
      page = 0;
      render();
    });
  });
  fv.addEventListener('change', apply);
  fr.addEventListener('change', apply);
  fn.addEventListener('input', apply);
  el('p-prev').addEventListener('click', function () { if (page > 0) { page--; render(); } });
  el('p-next').addEventListener('click', function () {
    if ((page + 1) * PAGE < rows.length) { page++; render(); }
  });
  apply();
  var m = /^#h(\d+)$/.exec(location.hash);
  if (m && hosts[+m[1]]) show(+m[1]);
})();
