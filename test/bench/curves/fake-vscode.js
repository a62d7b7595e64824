// Stand-in for the VS Code webview API in the benchmark harness: records what the webview posts and
// holds its getState/setState like the workbench does (in memory, outside the page's own work), writing
// it to sessionStorage only when the page goes away so a reload exercises the restore path.
(function () {
  const params = new URLSearchParams(window.location.search);
  document.body.classList.add(params.get('theme') === 'light' ? 'vscode-light' : 'vscode-dark');
  window.__posted = [];
  window.__xss = 0;
  window.addEventListener('pagehide', () => {
    if (window.__state) window.sessionStorage.setItem('hpstudio-curves-state', JSON.stringify(window.__state));
  });
  window.acquireVsCodeApi = function () {
    return {
      postMessage(message) {
        window.__posted.push(message);
      },
      getState() {
        const raw = window.sessionStorage.getItem('hpstudio-curves-state');
        return raw ? JSON.parse(raw) : undefined;
      },
      setState(state) {
        window.__state = state;
      },
    };
  };
})();
