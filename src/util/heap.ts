import { setFlagsFromString } from 'node:v8';

/** Keys a run may read before V8 is told to favour memory over speed. */
const keysBeforeFavouringMemory = 6_000;

let keysRead = 0;

/**
 * Counts the keys read from providers' answers and, once a run has read more than keysBeforeFavouringMemory, tells
 * V8 to keep its heap small from then on (--optimize-for-size). Measured by `npm run bench`: set from the start, it
 * cost a listing of 5,000 keys about 30 ms of CPU in collections; never set, a streamed listing of 100,000 keys
 * peaked at 106 MB instead of 90 MB. Set after 10,000 keys, the heap has grown already and stays grown.
 */
export function countKeysRead(count: number): void {
  const before = keysRead;
  keysRead += count;
  if (before <= keysBeforeFavouringMemory && keysRead > keysBeforeFavouringMemory)
    setFlagsFromString('--optimize-for-size');
}
