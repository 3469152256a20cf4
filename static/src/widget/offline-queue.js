// Sending a report, and the queue in localStorage that keeps it through a network failure: nothing
// a reader wrote is lost because the connection or the server failed. A queued report is sent again
// with its idempotency key, so the server stores it once however often it arrives.

import { postCorrection } from "./api.js";

const QUEUE_KEY = "readerdesk-queue"; // { idempotency_key: report }
const RETRIES_PER_PAGE = 6;

function loadQueue() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY)) || {};
  } catch {
    return {};
  }
}

function saveQueue(queue) {
  try {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  } catch {
    // Storage is off (private mode, a full quota): the report cannot be kept, nothing else to do.
  }
}

/**
 * Sends a report. Resolves to { ok, answer, queued }: `answer` is the server's JSON (or null),
 * `queued` is true when the report was kept for a later try (no connection, or a server error).
 * A refusal (4xx) is final: the report leaves the queue and the reader sees why.
 */
export function sendReport(report) {
  const key = report.idempotency_key;
  return postCorrection(report).then(
    (response) =>
      response
        .json()
        .catch(() => null)
        .then((answer) => {
          const queue = loadQueue();
          const queued = response.status >= 500;
          if (queued) queue[key] = report;
          else delete queue[key];
          saveQueue(queue);
          if (response.status === 503) retryAfter(response.headers.get("Retry-After"));
          return { ok: response.ok, answer, queued };
        }),
    () => {
      const queue = loadQueue();
      queue[key] = report;
      saveQueue(queue);
      return { queued: true };
    },
  );
}

let flushing = false;
let onSentLater = () => {};
let retryTimer = null;
let retriesLeft = RETRIES_PER_PAGE;

/**
 * A 503 says the service will be back shortly (the database restarting) and when to try again:
 * Retry-After, in seconds. The queue is sent again then, with the same keys, a few times per page.
 */
function retryAfter(seconds) {
  if (retryTimer || retriesLeft <= 0) return;
  retriesLeft -= 1;
  const wait = Math.min(Math.max(Number(seconds) || 5, 1), 60);
  retryTimer = setTimeout(() => {
    retryTimer = null;
    flushQueue(onSentLater);
  }, wait * 1000);
}

/**
 * Sends every queued report again, one after the other. Calls onSent(idempotency_key) for each
 * one the server accepted (also when a later retry, after a 503, sends it).
 */
export function flushQueue(onSent) {
  onSentLater = onSent;
  const queue = loadQueue();
  const keys = Object.keys(queue);
  if (flushing || !keys.length) return;
  flushing = true;
  keys
    .reduce(
      (previous, key) =>
        previous.then(() =>
          sendReport(queue[key]).then((result) => {
            if (result.ok) onSent(key);
          }),
        ),
      Promise.resolve(),
    )
    .then(() => {
      flushing = false;
    });
}
