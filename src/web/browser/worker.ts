// The page's Web Worker: runs each what-if it is sent (whatIfRun.ts) off the main thread.
// A run is never interrupted from inside; the page terminates the worker instead.
import type { RunRequest, WorkerMessage } from '../protocol.js';
import { runWhatIf } from '../whatIfRun.js';

// The worker's global scope, typed by what this file uses of it (the project's DOM types
// describe a window, not a worker).
const scope = self as unknown as {
  onmessage: (event: { data: RunRequest }) => void;
  postMessage: (message: WorkerMessage) => void;
};

scope.onmessage = ({ data }) => runWhatIf(data, (message) => scope.postMessage(message));
