// The bridge every stagevote SPX template loads from its own folder (copy the folder whole):
(function () {
  // Passes SPX's calls on to the stagevote graphic in the frame (the `link` field), as
  // messages: the graphic lives on the stagevote server, this file in SPX's templates folder.
  var frame = document.getElementById('stagevote-graphic');
  var link = '';
  var ready = false;
  var queue = [];
  function origin() {
    try { return new URL(link).origin; } catch (e) { return '*'; }
  }
  function send(call, data) {
    if (!ready) { queue.push([call, data]); return; }
    frame.contentWindow.postMessage({ type: 'stagevote-graphic', call: call, data: data }, origin());
  }
  window.addEventListener('message', function (event) {
    var msg = event.data;
    if (event.source !== frame.contentWindow || !msg || msg.type !== 'stagevote-graphic' || !msg.ready) return;
    ready = true;
    var pending = queue;
    queue = [];
    pending.forEach(function (item) { send(item[0], item[1]); });
  });
  window.update = function (data) {
    var fields = {};
    try { fields = typeof data === 'string' ? JSON.parse(data || '{}') : (data || {}); } catch (e) { fields = {}; }
    if (fields.link && fields.link !== link) {
      // Another key in the same link's fragment does not reload the frame: the graphic takes
      // it from its hashchange, and stays ready.
      if (fields.link.split('#')[0] !== link.split('#')[0]) ready = false;
      link = fields.link;
      frame.src = link;
    }
    var rest = {};
    Object.keys(fields).forEach(function (name) { if (name !== 'link' && name !== 'comment') rest[name] = fields[name]; });
    send('update', rest);
  };
  window.play = function () { send('play'); };
  window.next = function () { send('next'); };
  window.stop = function () { send('stop'); };
})();
