// Every URL the page asks for, from the moment this module is imported: fetch, XHR, beacons, and the browser's
// resource timing (which also sees what wasm and workers load). Import it first in a test file.

export const requested: string[] = [];

const realFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  requested.push(input instanceof Request ? input.url : String(input));
  return realFetch(input, init);
};
const realOpen = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
  requested.push(String(url));
  return (realOpen as (...a: unknown[]) => void).call(this, method, url, ...rest);
} as typeof XMLHttpRequest.prototype.open;
const realBeacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, data) => {
  requested.push(String(url));
  return realBeacon(url, data);
};
new PerformanceObserver((list) => list.getEntries().forEach((e) => requested.push(e.name))).observe({
  type: 'resource',
  buffered: true,
});

/** The requests so far that went to another origin (data: and blob: URLs stay on the device). */
export const foreignRequests = () =>
  requested.filter(
    (u) => new URL(u, location.href).origin !== location.origin && !u.startsWith('data:') && !u.startsWith('blob:'),
  );
