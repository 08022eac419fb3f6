// "Verify this record": checks in the browser, with WebCrypto, that the bytes on the page are the entry the log's
// signed checkpoint covers (RFC 9162 inclusion proof, C2SP signed note, Ed25519). It trusts only the key in the box.
(function () {
    var section = document.getElementById('verify');
    var button = document.getElementById('verify-button');
    var out = document.getElementById('verify-result');
    if (!section || !button || !window.crypto || !window.crypto.subtle) { return; }
    var enc = new TextEncoder();
    // Each failure is a code; its words come from the page, in the reader's language (data-reasons).
    var reasons = JSON.parse(section.dataset.reasons || '{}');
    function fail(code, arg) { var e = new Error(code); e.code = code; e.arg = arg; throw e; }

    function bytes(b64) {
        var bin = atob(b64), a = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) { a[i] = bin.charCodeAt(i); }
        return a;
    }
    function concat() {
        var n = 0, i, parts = Array.prototype.slice.call(arguments);
        for (i = 0; i < parts.length; i++) { n += parts[i].length; }
        var a = new Uint8Array(n), at = 0;
        for (i = 0; i < parts.length; i++) { a.set(parts[i], at); at += parts[i].length; }
        return a;
    }
    function same(a, b) {
        if (a.length !== b.length) { return false; }
        for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
        return true;
    }
    async function sha256(data) { return new Uint8Array(await crypto.subtle.digest('SHA-256', data)); }
    function node(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }

    // RFC 9162 §2.1.3.2, with arithmetic that holds past 2^31.
    async function rootFromInclusion(index, size, leaf, path) {
        if (index >= size) { fail('beyond-tree'); }
        var fn = index, sn = size - 1, r = leaf;
        for (var i = 0; i < path.length; i++) {
            if (sn === 0) { fail('proof-long'); }
            if (fn % 2 === 1 || fn === sn) {
                r = await node(path[i], r);
                if (fn % 2 === 0) {
                    while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
                }
            } else {
                r = await node(r, path[i]);
            }
            fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
        }
        if (sn !== 0) { fail('proof-short'); }
        return r;
    }

    // name+keyid+base64(0x01 || Ed25519 public key); a name has no '+', but base64 may.
    function parseKey(text) {
        text = text.trim();
        var a = text.indexOf('+'), b = text.indexOf('+', a + 1);
        if (a < 1 || b !== a + 9) { fail('key-format'); }
        var raw;
        try { raw = bytes(text.slice(b + 1)); } catch (e) { fail('key-format'); }
        if (raw.length !== 33 || raw[0] !== 1) { fail('key-type'); }
        return { name: text.slice(0, a), id: parseInt(text.slice(a + 1, b), 16), pub: raw.slice(1) };
    }

    async function openCheckpoint(note, key) {
        var split = note.indexOf('\n\n');
        if (split < 0) { fail('not-note'); }
        var text = note.slice(0, split + 1);
        var lines = note.slice(split + 2).split('\n');
        var publicKey;
        try { publicKey = await crypto.subtle.importKey('raw', key.pub, { name: 'Ed25519' }, false, ['verify']); } catch (e) { fail('no-ed25519'); }
        var signed = false;
        for (var i = 0; i < lines.length; i++) {
            var m = /^\u2014 (\S+) (\S+)$/.exec(lines[i]);
            if (!m || m[1] !== key.name) { continue; }
            var sig = bytes(m[2]);
            var id = ((sig[0] << 24) >>> 0) + (sig[1] << 16) + (sig[2] << 8) + sig[3];
            if (id !== key.id || sig.length !== 68) { continue; }
            if (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, sig.slice(4), enc.encode(text))) { signed = true; }
        }
        if (!signed) { fail('not-signed'); }
        var body = text.split('\n');
        return { origin: body[0], size: parseInt(body[1], 10), root: bytes(body[2]) };
    }

    button.addEventListener('click', async function () {
        out.textContent = '…';
        out.className = '';
        try {
            var key = parseKey(document.getElementById('verify-key').value);
            var index = parseInt(section.dataset.index, 10);
            var note = await (await fetch('/api/v1/log/checkpoint', { cache: 'no-store' })).text();
            var checkpoint = await openCheckpoint(note, key);
            if (index >= checkpoint.size) {
                fail('newer', checkpoint.size);
            }
            var proof = await (await fetch('/api/v1/log/proof/inclusion?index=' + index + '&size=' + checkpoint.size)).json();
            var leaf = await sha256(concat(new Uint8Array([0]), enc.encode(document.getElementById('entry-body').textContent)));
            var root = await rootFromInclusion(index, checkpoint.size, leaf, proof.path.map(bytes));
            if (!same(root, checkpoint.root)) { fail('not-covered'); }
            out.textContent = section.dataset.ok.replace('{0}', index).replace('{1}', checkpoint.size).replace('{2}', key.name);
            out.className = 'notice';
        } catch (e) {
            // Anything else (the log unreachable, an answer that is not a proof) is named as such, never shown raw.
            var reason = (e && e.code && reasons[e.code]) || reasons.unreadable || String(e);
            out.textContent = section.dataset.bad + ': ' + reason.replace('{0}', e && e.arg !== undefined ? e.arg : '');
            out.className = 'error';
        }
    });
})();
