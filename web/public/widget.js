/*
 * Patchbay web call widget (网页接待组件). Paste into a web page:
 *
 *   <script src="https://YOUR-PATCHBAY/widget.js" data-number="4008000000" async></script>
 *
 * It adds a floating "call us" button; a click opens the call page of the Patchbay server the
 * script came from in a small frame (or a popup window with data-mode="popup"), calling the
 * number of data-number. Optional attributes:
 *   data-label     the button's text (default: 在线通话 / Call us, after the page's language)
 *   data-lang      zh-CN or en for the call page (default: the visitor's browser)
 *   data-title     the call page's heading
 *   data-position  right (default) or left
 *   data-color     the button's colour (default #18a058)
 *   data-mode      frame (default) or popup
 * The microphone works in the frame when both pages are served over HTTPS (or from localhost).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  if (window.__patchbayWidget) return;
  window.__patchbayWidget = true;

  var origin = new URL(script.src, window.location.href).origin;
  var data = script.dataset || {};
  var number = (data.number || '').trim();
  var lang = data.lang || '';
  var zh = (lang || document.documentElement.lang || navigator.language || '').toLowerCase().indexOf('zh') === 0;
  var label = data.label || (zh ? '在线通话' : 'Call us');
  var side = data.position === 'left' ? 'left' : 'right';
  var color = data.color || '#18a058';
  var mode = data.mode === 'popup' ? 'popup' : 'frame';

  function pageUrl(embed) {
    var q = new URLSearchParams();
    q.set('number', number);
    if (embed) q.set('embed', '1');
    if (lang) q.set('lang', lang);
    if (data.title) q.set('title', data.title);
    return origin + '/widget?' + q.toString();
  }

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = '\u260E ' + label;
  button.setAttribute('data-patchbay-widget', 'button');
  button.setAttribute('aria-label', label);
  button.style.cssText =
    'position:fixed;bottom:24px;' + side + ':24px;z-index:2147483646;padding:12px 20px;border:none;' +
    'border-radius:24px;background:' + color + ';color:#fff;font:600 16px/1.2 system-ui,sans-serif;' +
    'box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer';

  var frame = null;
  var box = null;

  function closeFrame() {
    if (box) box.remove();
    box = null;
    frame = null;
    button.style.display = '';
  }

  function openFrame() {
    if (box) return;
    box = document.createElement('div');
    box.setAttribute('data-patchbay-widget', 'frame');
    box.style.cssText =
      'position:fixed;bottom:24px;' + side + ':24px;z-index:2147483647;width:340px;height:520px;max-width:calc(100vw - 32px);' +
      'max-height:calc(100vh - 48px);border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)';
    frame = document.createElement('iframe');
    frame.src = pageUrl(true);
    frame.title = label;
    frame.allow = 'microphone; autoplay';
    frame.style.cssText = 'width:100%;height:100%;border:0';
    box.appendChild(frame);
    document.body.appendChild(box);
    button.style.display = 'none';
  }

  window.addEventListener('message', function (e) {
    if (e.origin === origin && e.data && e.data.type === 'patchbay-widget-close') closeFrame();
  });

  button.addEventListener('click', function () {
    if (mode === 'popup') {
      var w = window.open(pageUrl(false), 'patchbay-widget', 'width=380,height=600');
      if (w) {
        w.focus();
        return;
      }
      // Popups blocked: fall back to the frame.
    }
    openFrame();
  });

  function mount() {
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
