// The screening page: a chosen application document is read in the browser and carried in the
// form as base64 (document_base64, its name in document_name), so that its bytes (GB18030 too)
// reach the server untouched inside an ordinary form post with the page's CSRF token. Without
// this script the officer pastes the document into the text area instead. No inline script
// anywhere (the CSP forbids it).
'use strict';
(function () {
  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var chunks = [];
    for (var i = 0; i < bytes.length; i += 0x8000)
      chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)));
    return window.btoa(chunks.join(''));
  }
  document.addEventListener('change', function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches('[data-document-file]')) return;
    var form = input.form;
    var name = form.querySelector('input[name="document_name"]');
    var data = form.querySelector('input[name="document_base64"]');
    var file = input.files && input.files[0];
    name.value = '';
    data.value = '';
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      name.value = file.name;
      data.value = toBase64(reader.result);
      var text = form.querySelector('textarea[name="document_text"]');
      if (text) text.value = '';
    };
    reader.readAsArrayBuffer(file);
  });
}());
